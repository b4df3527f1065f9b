using System.Text.Json;
using StackExchange.Redis;
using Vigil.Integration.Failover;
using Vigil.Integration.Infrastructure;
using Xunit.Abstractions;
using static Vigil.Integration.Migration.MigrateCli;

namespace Vigil.Integration.Migration;

/// <summary>
/// <c>vigil migrate</c> into a "managed-like" target (REPLICAOF, SLAVEOF, SYNC, PSYNC, CONFIG and DEBUG
/// renamed away): the plan picks the stream mode by itself, a source holding keys of every type under a
/// client that keeps writing is copied, the cutover fences the source, and no acknowledged write is lost.
/// </summary>
public sealed class StreamMigrationTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>The size the stream mode is proven at, with RESTORE and with plain commands; bench/migrate.sh runs a million.</summary>
    private const int Keys = 200_000;

    private readonly MigrationNodes _nodes = new("--repl-diskless-sync-delay", "0");

    public void Dispose() => _nodes.Dispose();

    [Fact]
    public Task LiveSourceStreamsIntoAManagedTargetWithEveryAcknowledgedWrite() =>
        MigrateUnderAWriterAsync(StreamSnapshotTests.ManagedTargetArgs, Keys, "every key with RESTORE");

    [Fact]
    public Task LiveSourceStreamsIntoATargetThatRefusesRestoreWithPlainCommands() =>
        MigrateUnderAWriterAsync(StreamSnapshotTests.NoRestoreTargetArgs, Keys, "every key with plain commands");

    private async Task MigrateUnderAWriterAsync(string[] targetArgs, int keys, string keyWriting)
    {
        var source = await _nodes.StartAsync(EncodingDataset.ServerArgs);
        var target = await _nodes.StartAsync(targetArgs);
        await MigrationDataset.FillAsync(source.Port, keys);
        await MigrationDataset.FillAsync(source.Port, 600, db: 3);
        await EncodingDataset.FillAsync(source);
        var keysBefore = await EncodingDataset.KeysAsync(source);

        var plan = await RunAsync("--source", Address(source), "--target", Address(target), "--plan");
        Assert.True(plan.ExitCode == 0, plan.Stdout + plan.Stderr);
        Assert.Contains($"mode      stream: target {Address(target)} refuses REPLICAOF", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains(keyWriting, plan.Stdout, StringComparison.Ordinal);

        await using var client = await ConnectionMultiplexer.ConnectAsync($"{Address(source)},abortConnect=false,syncTimeout=2000,asyncTimeout=2000");
        var writes = new WriteRecorder(client.GetDatabase());
        using var stop = new CancellationTokenSource();
        var writing = Task.Run(() => writes.RunAsync(stop.Token));
        try
        {
            await Wait.UntilAsync(() => writes.Acked.Count >= 50, TimeSpan.FromSeconds(20), "50 writes acknowledged by the source");
            var report = Path.Combine(_nodes.Dir.Path, "report.json");
            var result = await RunAsync("--source", Address(source), "--target", Address(target),
                "--yes", "--json", report, "--state-file", Path.Combine(_nodes.Dir.Path, "state.json"));
            output.WriteLine(result.Stdout + result.Stderr);
            Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
            Assert.Contains("refuses writes (fenced)", result.Stdout, StringComparison.Ordinal);

            using var json = JsonDocument.Parse(File.ReadAllBytes(report));
            Assert.Equal("done", json.RootElement.GetProperty("result").GetString());
            Assert.Equal("fence", json.RootElement.GetProperty("cutover").GetString());
            Assert.True(json.RootElement.GetProperty("writePauseMs").GetDouble() > 0);
            Assert.True(json.RootElement.GetProperty("targets")[0].GetProperty("rdbBytes").GetInt64() > 0);
            // The writer goes on a moment against the fenced source: those writes must be refused, not acknowledged.
            await Wait.UntilAsync(() => writes.Failures > 0, TimeSpan.FromSeconds(10), "writes refused by the fenced source");
        }
        finally
        {
            await stop.CancelAsync();
            await writing;
        }

        output.WriteLine($"writer: {writes.Acked.Count} acknowledged, {writes.Failures} refused, last: {writes.LastFailure}");
        Assert.Contains("NOREPLICAS", writes.LastFailure, StringComparison.Ordinal);
        Assert.Equal("master", await RoleAsync(source));
        var acknowledged = writes.Acked;
        var missing = await MigrationDataset.MissingAsync(target.Port, acknowledged);
        Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledged.Count} acknowledged writes are not on the target, first {string.Join(", ", missing.Take(10))}");
        Assert.True(await EncodingDataset.KeysAsync(target) >= keysBefore);

        var verify = await RunAsync("verify", "--source", Address(source), "--target", Address(target));
        output.WriteLine(verify.Stdout + verify.Stderr);
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
        Assert.Contains("no difference", verify.Stdout, StringComparison.Ordinal);
    }
}
