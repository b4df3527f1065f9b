using System.Text.Json;
using StackExchange.Redis;
using Vigil.Integration.Failover;
using Vigil.Integration.Infrastructure;
using Xunit.Abstractions;
using static Vigil.Integration.Migration.MigrateCli;

namespace Vigil.Integration.Migration;

/// <summary>
/// <c>vigil migrate</c> without sentinels: a source holding keys of every type, under a client that keeps
/// writing, moves to two targets (chained); the first target ends as the master with every acknowledged
/// write, and verify finds the old and new servers identical.
/// </summary>
public sealed class DirectMigrationTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>CI size; bench/migrate.sh runs the same flow with a million keys.</summary>
    private const int Keys = 20_000;

    private readonly MigrationNodes _nodes = new("--repl-diskless-sync-delay", "0");

    public void Dispose() => _nodes.Dispose();

    [Fact]
    public async Task LiveSourceMovesToTwoTargetsWithEveryAcknowledgedWriteAndNoDifference()
    {
        var source = await _nodes.StartAsync();
        var first = await _nodes.StartAsync();
        var second = await _nodes.StartAsync();
        await MigrationDataset.FillAsync(source.Port, Keys);
        await MigrationDataset.FillAsync(source.Port, 600, db: 3);
        var keysBefore = await KeysAsync(source);

        await using var client = await ConnectionMultiplexer.ConnectAsync($"{Address(source)},abortConnect=false,syncTimeout=2000,asyncTimeout=2000");
        var writes = new WriteRecorder(client.GetDatabase());
        using var stop = new CancellationTokenSource();
        var writing = Task.Run(() => writes.RunAsync(stop.Token));
        Cli.Result result;
        try
        {
            await Wait.UntilAsync(() => writes.Acked.Count >= 50, TimeSpan.FromSeconds(20), "50 writes acknowledged by the source");
            var report = Path.Combine(_nodes.Dir.Path, "report.json");
            result = await RunAsync("--source", Address(source), "--target", Address(first), "--target", Address(second),
                "--yes", "--json", report, "--state-file", Path.Combine(_nodes.Dir.Path, "state.json"));
            output.WriteLine(result.Stdout + result.Stderr);
            Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);

            using var json = JsonDocument.Parse(File.ReadAllBytes(report));
            Assert.Equal("done", json.RootElement.GetProperty("result").GetString());
            Assert.True(json.RootElement.GetProperty("writePauseMs").GetDouble() > 0);
            Assert.Contains(json.RootElement.GetProperty("phases").EnumerateArray(), p => p.GetProperty("name").GetString() == "cutover");
            Assert.False(File.Exists(Path.Combine(_nodes.Dir.Path, "state.json")), "the state file is removed at the end");
        }
        finally
        {
            await stop.CancelAsync();
            await writing;
        }

        Assert.Equal("master", await RoleAsync(first));
        Assert.Equal($"replica of {first.Port}", await RoleAsync(second));
        Assert.Equal($"replica of {first.Port}", await RoleAsync(source));
        // A client still writing to the old source is told so instead of being acknowledged.
        var straggler = await Topology.CallAsync(source, "SET", "late", "write");
        Assert.StartsWith("READONLY", Assert.IsType<Vigil.Resp.RespError>(straggler).Text, StringComparison.Ordinal);
        var acknowledged = writes.Acked;
        var missing = await MigrationDataset.MissingAsync(first.Port, acknowledged);
        Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledged.Count} acknowledged writes are not on the new master, first {string.Join(", ", missing.Take(10))}");
        Assert.True(await KeysAsync(first) >= keysBefore);

        // Every key against the old master; a sample against the second target (its full sync is the same data).
        foreach (var (other, sample) in new[] { (source, (string[])[]), (second, ["--sample", "2000"]) })
        {
            await Wait.UntilAsync(async () => (await Topology.RoleAsync(other)).LinkUp, TimeSpan.FromSeconds(20), $"{other.Port} linked to the new master");
            var verify = await RunAsync(["verify", "--source", Address(first), "--target", Address(other), .. sample]);
            output.WriteLine(verify.Stdout + verify.Stderr);
            Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
            Assert.Contains("no difference", verify.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task VerifyListsTheKeysThatDiffer()
    {
        var a = await _nodes.StartAsync();
        var b = await _nodes.StartAsync();
        await MigrationDataset.FillAsync(a.Port, 120);
        await MigrationDataset.FillAsync(b.Port, 120);
        await Topology.CallAsync(b, "HSET", "hash:4", "f1", "changed");
        await Topology.CallAsync(b, "DEL", "str:0");
        await Topology.CallAsync(b, "SET", "extra", "only here");
        await Topology.CallAsync(b, "PEXPIRE", "zset:3", "90000000");
        await Topology.CallAsync(b, "XACK", "stream:5", "group", "1-1");

        var verify = await RunAsync("verify", "--source", Address(a), "--target", Address(b));
        output.WriteLine(verify.Stdout + verify.Stderr);
        Assert.Equal(1, verify.ExitCode);
        Assert.Contains("'hash:4': value differs", verify.Stdout, StringComparison.Ordinal);
        Assert.Contains("'str:0': missing on the target", verify.Stdout, StringComparison.Ordinal);
        Assert.Contains("'extra': only on the target", verify.Stdout, StringComparison.Ordinal);
        Assert.Contains("'zset:3': TTL none on the source", verify.Stdout, StringComparison.Ordinal);
        Assert.Contains("'stream:5': value differs", verify.Stdout, StringComparison.Ordinal);
        Assert.Contains("5 of 120 keys differ", verify.Stderr, StringComparison.Ordinal);
    }
}
