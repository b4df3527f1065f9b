using System.Globalization;
using Vigil.Integration.Infrastructure;

namespace Vigil.Integration.Failover;

/// <summary>
/// Replicas that must never be promoted. One with <c>replica-priority 0</c>: with only such replicas the
/// failover aborts and the master stays; next to an ordinary replica, the ordinary one is chosen even
/// though the priority-0 one has more data (and priority 0 would sort first if it were not excluded).
/// One whose replication link never came up since it started (it has no data of the master's).
/// </summary>
public sealed class ReplicaEligibilityTests : IAsyncLifetime
{
    private readonly SentinelGroup _group = new();
    private readonly List<SentinelEvents> _events = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _group.DisposeAsync();

    private async Task StartSentinelsAsync()
    {
        var config = _group.SentinelConfig(quorum: 2, downAfterMs: 1500, failoverTimeoutMs: 10000);
        for (var i = 0; i < 3; i++) _events.Add(await _group.SubscribeAsync(await _group.StartVigilAsync(config), $"vigil-{i + 1}"));
        await Topology.WaitForDiscoveryAsync(_group.Sentinels, peers: 2, replicas: _group.Replicas.Count, TimeSpan.FromSeconds(30));
    }

    private bool AnySentinelHas(string channel, string? containing = null) => _events.Any(e => e.Has(channel, containing));

    [Fact]
    public async Task OnlyPriorityZeroReplicasMeansTheFailoverAbortsAndTheMasterStays()
    {
        var master = await _group.StartMasterAsync();
        await _group.StartReplicaAsync("--replica-priority", "0");
        await _group.StartReplicaAsync("--replica-priority", "0");
        await StartSentinelsAsync();

        await master.KillAsync();
        await _group.WaitAsync(() => AnySentinelHas("+elected-leader"), TimeSpan.FromSeconds(30), "a leader elected for the dead master");
        await _group.WaitAsync(() => AnySentinelHas("-failover-abort-no-good-slave", $"master {Topology.MasterName} 127.0.0.1 {master.Port}"),
            TimeSpan.FromSeconds(10), "-failover-abort-no-good-slave");

        foreach (var channel in new[] { "+selected-slave", "+promoted-slave", "+switch-master", "+config-update-from" })
        {
            Assert.False(AnySentinelHas(channel), $"{channel}: {_group.DescribeEvents()}");
        }
        foreach (var sentinel in _group.Sentinels) Assert.Equal(master.Port, await Topology.MasterPortSeenByAsync(sentinel));
        foreach (var replica in _group.Replicas)
        {
            var role = await Topology.RoleAsync(replica);
            Assert.Equal(("slave", master.Port), (role.Role, role.MasterPort));
        }
    }

    [Fact]
    public async Task PriorityZeroReplicaWithMoreDataIsPassedOverForAnOrdinaryOne()
    {
        var master = await _group.StartMasterAsync();
        var excluded = await _group.StartReplicaAsync("--replica-priority", "0");
        var ordinary = await _group.StartReplicaAsync();
        await StartSentinelsAsync();

        // The ordinary replica is cut off (its replication link dropped, its reconnection refused for a wrong
        // masterauth) while one more write reaches the other, then the master dies: the priority-0 replica
        // keeps the larger offset for good. The ordinary one's link was down well under 10 × down-after.
        Assert.Equal("+OK", RespText.Render(await Topology.CallAsync(ordinary, "CONFIG", "SET", "masterauth", "not-the-password")));
        Assert.Equal(":2", RespText.Render(await Topology.CallAsync(master, "CLIENT", "KILL", "TYPE", "replica")));
        await _group.WaitAsync(async () => (await Topology.RoleAsync(excluded)).Follows(master.Port), TimeSpan.FromSeconds(10), "the priority-0 replica linked again");
        Assert.Equal("+OK", RespText.Render(await Topology.CallAsync(master, "SET", "only-on-the-priority-0-replica", "1")));
        Assert.Equal(":1", RespText.Render(await Topology.CallAsync(master, "WAIT", "1", "500")));
        await master.KillAsync();
        Assert.Equal("+OK", RespText.Render(await Topology.CallAsync(ordinary, "CONFIG", "SET", "masterauth", "")));
        var excludedOffset = long.Parse((await Topology.InfoAsync(excluded, "replication"))["slave_repl_offset"], CultureInfo.InvariantCulture);
        var ordinaryOffset = long.Parse((await Topology.InfoAsync(ordinary, "replication"))["slave_repl_offset"], CultureInfo.InvariantCulture);
        Assert.True(excludedOffset > ordinaryOffset, $"offsets: priority 0 {excludedOffset}, ordinary {ordinaryOffset}");

        await _group.WaitAsync(() => AnySentinelHas("+switch-master"), TimeSpan.FromSeconds(40), "+switch-master");
        Assert.True(AnySentinelHas("+selected-slave", $"slave 127.0.0.1:{ordinary.Port} "), _group.DescribeEvents());
        Assert.False(AnySentinelHas("+selected-slave", $"slave 127.0.0.1:{excluded.Port} "), _group.DescribeEvents());
        await _group.WaitForAgreementAsync(ordinary.Port, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task ReplicaWhoseLinkNeverCameUpIsNeverPromoted()
    {
        // The master holds the replica's first full sync for a minute: the replica is listed by the master
        // (state wait_bgsave) and answers, but reports master_link_down_since_seconds:-1. The reference lets
        // such a replica through its freshness check (docs/failover.md, "Never promote a replica that never
        // linked"); Vigil must not promote it.
        var master = await _group.StartMasterAsync("--repl-diskless-sync-delay", "60");
        var replica = await _group.StartReplicaAsync();
        var config = _group.SentinelConfig(quorum: 2, downAfterMs: 1500, failoverTimeoutMs: 10000);
        for (var i = 0; i < 3; i++) _events.Add(await _group.SubscribeAsync(await _group.StartVigilAsync(config), $"vigil-{i + 1}"));
        await _group.WaitAsync(async () =>
        {
            foreach (var sentinel in _group.Sentinels)
            {
                await using var client = await sentinel.ConnectAsync();
                if (Replies.List(await client.CallAsync("SENTINEL", "SENTINELS", Topology.MasterName)).Count != 2) return false;
                if (Replies.List(await client.CallAsync("SENTINEL", "REPLICAS", Topology.MasterName)).Count != 1) return false;
            }
            return true;
        }, TimeSpan.FromSeconds(30), "every sentinel lists 2 peers and the replica");
        Assert.Equal("-1", (await Topology.InfoAsync(replica, "replication"))["master_link_down_since_seconds"]);

        await master.KillAsync();
        await _group.WaitAsync(() => AnySentinelHas("-failover-abort-no-good-slave", $"master {Topology.MasterName} 127.0.0.1 {master.Port}"),
            TimeSpan.FromSeconds(30), "-failover-abort-no-good-slave");
        Assert.False(AnySentinelHas("+selected-slave"), _group.DescribeEvents());
        Assert.False(AnySentinelHas("+switch-master"), _group.DescribeEvents());
        foreach (var sentinel in _group.Sentinels) Assert.Equal(master.Port, await Topology.MasterPortSeenByAsync(sentinel));
        Assert.Equal("slave", (await Topology.RoleAsync(replica)).Role);
    }
}
