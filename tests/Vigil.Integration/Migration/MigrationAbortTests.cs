using Vigil.Integration.Infrastructure;
using Vigil.Resp;
using Xunit.Abstractions;
using static Vigil.Integration.Migration.MigrateCli;

namespace Vigil.Integration.Migration;

/// <summary><c>vigil migrate abort</c> during the sync: the source keeps its data and its writes, the targets are detached.</summary>
public sealed class MigrationAbortTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly List<RunningNode> _nodes = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        foreach (var node in _nodes) node.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private async Task<RunningNode> StartAsync(params string[] args)
    {
        var node = await RedisNodes.StartRedisAsync(_dir, args);
        _nodes.Add(node);
        return node;
    }

    [Fact]
    public async Task AbortDuringTheSyncLeavesTheSourceWritableAndDetachesTheTargets()
    {
        // A diskless sync that waits 60 s before sending the RDB holds the migration in its sync phase.
        var source = await StartAsync("--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "60");
        var first = await StartAsync();
        var second = await StartAsync();
        await MigrationDataset.FillAsync(source.Port, 2000);
        var keys = await KeysAsync(source);
        var stateFile = Path.Combine(_dir.Path, "state.json");
        using var migrate = ManagedProcess.Start("dotnet",
            [RedisNodes.VigilDll, "migrate", "--source", Address(source), "--target", Address(first), "--target", Address(second), "--yes", "--state-file", stateFile],
            _dir.Path);
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
