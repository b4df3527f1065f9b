using Vigil.Integration.Infrastructure;
using Xunit.Abstractions;

namespace Vigil.Integration.Failover;

/// <summary>
/// The master is killed and comes back (same port, same data directory, as a service manager restarts it)
/// just after a replica was promoted, while the other replica is still being moved over. Whatever the
/// timing, the group must settle on the promoted replica: one master, the others following it, every
/// sentinel agreeing, and no data lost to the restarted, empty old master.
/// </summary>
public sealed class RestartedOldMasterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly SentinelGroup _group = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _group.DisposeAsync();

    [Theory]
    [InlineData(0)]
    [InlineData(25)]
    [InlineData(50)]
    [InlineData(100)]
    [InlineData(200)]
    [InlineData(400)]
    [InlineData(1000)]
    public async Task OldMasterRestartedDuringReconfigurationConverges(int restartDelayMs)
    {
        // Nothing is saved to disk: the old master restarts empty, the worst case for a replica that syncs
        // from it. Full syncs start at once instead of after the default 5 s, so a run is quick.
        string[] redisArgs = ["--repl-diskless-sync-delay", "0"];
        await _group.StartMasterAsync(redisArgs);
        await _group.StartReplicaAsync(redisArgs);
        await _group.StartReplicaAsync(redisArgs);
        var config = _group.SentinelConfig(quorum: 2, downAfterMs: 1500, failoverTimeoutMs: 10000);
        var events = new List<SentinelEvents>();
        for (var i = 0; i < 3; i++)
        {
            var sentinel = await _group.StartVigilAsync(config);
            events.Add(await _group.SubscribeAsync(sentinel, $"vigil-{i + 1}"));
        }
        await Topology.WaitForDiscoveryAsync(_group.Sentinels, peers: 2, replicas: 2, TimeSpan.FromSeconds(30));

        var oldMaster = _group.Master;
        var key = $"before-failover-{restartDelayMs}";
        Assert.Equal("+OK", RespText.Render(await Topology.CallAsync(oldMaster, "SET", key, "kept")));
        await _group.WaitAsync(async () =>
        {
            foreach (var replica in _group.Replicas)
            {
                if (RespText.Render(await Topology.CallAsync(replica, "GET", key)) != "\"kept\"") return false;
            }
            return true;
        }, TimeSpan.FromSeconds(10), "the key on both replicas");

        await oldMaster.KillAsync();
        await _group.WaitAsync(() => events.Any(e => e.Has("+promoted-slave")), TimeSpan.FromSeconds(40), "+promoted-slave");
        if (restartDelayMs > 0) await Task.Delay(restartDelayMs); // the timing under test, not a synchronisation
        var reconfigurationEnded = events.Any(e => e.Has("+failover-end"));
        await _group.RestartAsync(oldMaster);

        var promoted = events.Select(e => e.First("+promoted-slave")).First(text => text is not null)!;
        var promotedPort = int.Parse(promoted.Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(_group.Replicas, r => r.Port == promotedPort);

        await _group.WaitForAgreementAsync(promotedPort, TimeSpan.FromSeconds(60));
        foreach (var node in _group.DataNodes)
        {
            Assert.Equal("\"kept\"", RespText.Render(await Topology.CallAsync(node, "GET", key)));
        }
        // Reported so a run shows which case it covered: restarted while the failover was still running or after.
        output.WriteLine($"restart {restartDelayMs} ms after +promoted-slave, failover already ended: {reconfigurationEnded}");
    }
}
