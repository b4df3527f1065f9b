using Vigil.Integration.Infrastructure;
using Vigil.Resp;
using Xunit.Abstractions;
using static Vigil.Integration.Migration.MigrateCli;

namespace Vigil.Integration.Migration;

/// <summary><c>vigil migrate abort</c> during the sync: the source keeps its data and its writes, the targets are detached.</summary>
public sealed class MigrationAbortTests(ITestOutputHelper output) : IDisposable
{
    private readonly MigrationNodes _nodes = new();

    public void Dispose() => _nodes.Dispose();

    [Fact]
    public async Task AbortDuringTheSyncLeavesTheSourceWritableAndDetachesTheTargets()
    {
        // A diskless sync that waits 60 s before sending the RDB holds the migration in its sync phase.
        var source = await _nodes.StartAsync("--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "60");
        var first = await _nodes.StartAsync();
        var second = await _nodes.StartAsync();
        await MigrationDataset.FillAsync(source.Port, 2000);
        var keys = await KeysAsync(source);
        var stateFile = Path.Combine(_nodes.Dir.Path, "state.json");
        var (program, args) = RedisNodes.VigilCommand(
            ["migrate", "--source", Address(source), "--target", Address(first), "--target", Address(second), "--yes", "--state-file", stateFile]);
        using var migrate = ManagedProcess.Start(program, args, _nodes.Dir.Path);
        await Wait.UntilAsync(async () => (await Topology.InfoAsync(source, "replication")).GetValueOrDefault("slave0", "").Contains("state=wait_bgsave", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "the first target waiting for the source's RDB");
        Assert.True(File.Exists(stateFile));

        var abort = await RunAsync("abort", "--state-file", stateFile);
        output.WriteLine(abort.Stdout + abort.Stderr);
        Assert.Equal(0, abort.ExitCode);
        Assert.Equal(1, await migrate.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        output.WriteLine(migrate.Stdout + migrate.Stderr);
        Assert.Contains("aborted before the cutover: the source is untouched, the targets are detached", migrate.Stderr, StringComparison.Ordinal);

        Assert.Equal("master", await RoleAsync(source));
        Assert.Equal(keys, await KeysAsync(source));
        Assert.Equal(RespValue.Ok, await Topology.CallAsync(source, "SET", "after-abort", "1"));
        Assert.Equal("master", await RoleAsync(first));
        Assert.Equal("master", await RoleAsync(second));
        Assert.False(File.Exists(stateFile));
    }
}
