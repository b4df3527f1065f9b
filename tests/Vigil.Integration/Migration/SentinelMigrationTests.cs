using System.Globalization;
using StackExchange.Redis;
using Vigil.Integration.Failover;
using Vigil.Integration.Infrastructure;
using Vigil.Resp;
using Xunit.Abstractions;
using static Vigil.Integration.Migration.MigrateCli;

namespace Vigil.Integration.Migration;

/// <summary>
/// <c>vigil migrate</c> through a group of three Vigil sentinels watching the source: a client that knows only
/// the sentinels keeps writing, follows the switchover to the first target and loses no acknowledged write;
/// with <c>--old-nodes shutdown</c> the old master and its replica are stopped and forgotten by every sentinel.
/// </summary>
public sealed class SentinelMigrationTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Keys = 5_000;
    private readonly SentinelGroup _group = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _group.DisposeAsync();

    [Fact]
    public async Task ClientFollowsTheGroupToTheNewMasterAndTheOldNodesAreForgotten()
    {
        string[] redisArgs = ["--repl-diskless-sync-delay", "0"];
        var source = await _group.StartMasterAsync(redisArgs);
        var oldReplica = await _group.StartReplicaAsync(redisArgs);
        var first = _group.Track(await RedisNodes.StartRedisAsync(_group.Dir, redisArgs));
        var second = _group.Track(await RedisNodes.StartRedisAsync(_group.Dir, redisArgs));
        await MigrationDataset.FillAsync(source.Port, Keys);
        var config = _group.SentinelConfig(quorum: 2, downAfterMs: 2000, failoverTimeoutMs: 10000);
        for (var i = 0; i < 3; i++) await _group.SubscribeAsync(await _group.StartVigilAsync(config), $"vigil-{i + 1}");
        await Topology.WaitForDiscoveryAsync(_group.Sentinels, peers: 2, replicas: 1, TimeSpan.FromSeconds(30));

        // Without --sentinel the group would undo a direct cutover: refused, naming the watchers.
        var unaware = await RunAsync("--source", Address(source), "--target", Address(first), "--yes",
            "--state-file", Path.Combine(_group.Dir.Path, "state.json"));
        Assert.Equal(1, unaware.ExitCode);
        Assert.Contains($"source {Address(source)} is watched by 3 sentinel(s)", Assert.Single(ErrorLines(unaware)), StringComparison.Ordinal);
        Assert.Equal("master", await RoleAsync(first));

        await using var client = await SentinelAwareClient.ConnectAsync(_group.Sentinels.Select(s => s.Port));
        var writes = new WriteRecorder(client.GetDatabase());
        using var stop = new CancellationTokenSource();
        var writing = Task.Run(() => writes.RunAsync(stop.Token));
        try
        {
            await _group.WaitAsync(() => writes.Acked.Count >= 50, TimeSpan.FromSeconds(20), "50 writes acknowledged through the sentinels");
            var report = Path.Combine(_group.Dir.Path, "report.json");
            string[] sentinels = [.. _group.Sentinels.SelectMany(s => new[] { "--sentinel", Address(s) })];
            var result = await RunAsync(["--source", Address(source), "--target", Address(first), "--target", Address(second),
                .. sentinels, "--master-name", Topology.MasterName, "--old-nodes", "shutdown", "--yes", "--json", report,
                "--state-file", Path.Combine(_group.Dir.Path, "state.json")]);
            output.WriteLine(result.Stdout + result.Stderr);
            Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr + _group.DescribeEvents());
            using (var json = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(report)))
            {
                Assert.Equal("sentinel", json.RootElement.GetProperty("cutover").GetString());
                // Measured from +switchover-pause-writes to the source reporting the replica role.
                Assert.True(json.RootElement.GetProperty("writePauseMs").GetDouble() > 0);
            }

            var afterMigration = writes.NextId;
            await _group.WaitAsync(() => writes.LastAcked >= afterMigration + 50, TimeSpan.FromSeconds(30), "writes acknowledged again after the migration");
        }
        finally
        {
            await stop.CancelAsync();
            await writing;
        }
        output.WriteLine($"writer: {writes.Acked.Count} acknowledged, {writes.Failures} failed ({writes.LastFailure})");

        foreach (var sentinel in _group.Sentinels)
        {
            Assert.Equal(first.Port, await Topology.MasterPortSeenByAsync(sentinel));
        }
        var acknowledged = writes.Acked;
        var missing = await MigrationDataset.MissingAsync(first.Port, acknowledged);
        Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledged.Count} acknowledged writes are not on the new master, first {string.Join(", ", missing.Take(10))}");

        Assert.True(source.Process.HasExited, "the old master was shut down");
        Assert.True(oldReplica.Process.HasExited, "the old replica was shut down");
        int[] oldPorts = [source.Port, oldReplica.Port];
        foreach (var sentinel in _group.Sentinels)
        {
            var replicas = (RespArray)await Topology.CallAsync(sentinel, "SENTINEL", "REPLICAS", Topology.MasterName);
            var ports = replicas.Items.Select(r => int.Parse(Replies.Fields(r).First(f => f.Key == "port").Value, CultureInfo.InvariantCulture)).ToList();
            Assert.DoesNotContain(ports, oldPorts.Contains);
        }

        Assert.Equal($"replica of {first.Port}", await RoleAsync(second));
        await Wait.UntilAsync(async () => (await Topology.RoleAsync(second)).LinkUp, TimeSpan.FromSeconds(20), "the second target linked to the new master");
        var verify = await RunAsync("verify", "--source", Address(first), "--target", Address(second));
        output.WriteLine(verify.Stdout + verify.Stderr);
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
    }
}
