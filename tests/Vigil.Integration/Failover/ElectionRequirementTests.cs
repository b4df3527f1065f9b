using Vigil.Integration.Infrastructure;

namespace Vigil.Integration.Failover;

/// <summary>
/// No failover without quorum (too few sentinels agree the master is down) and none without a majority
/// (the master is ODOWN, but too few of the known sentinels are alive to elect a leader).
/// </summary>
public sealed class ElectionRequirementTests : IAsyncLifetime
{
    private readonly SentinelGroup _group = new();
    private readonly List<SentinelEvents> _events = [];

    public async Task InitializeAsync()
    {
        await _group.StartMasterAsync();
        await _group.StartReplicaAsync();
    }

    public async Task DisposeAsync() => await _group.DisposeAsync();

    private bool AnySentinelHas(string channel) => _events.Any(e => e.Has(channel));

    private async Task AssertNothingMovedAsync(int masterPort)
    {
        foreach (var channel in new[] { "+elected-leader", "+selected-slave", "+promoted-slave", "+switch-master" })
        {
            Assert.False(AnySentinelHas(channel), $"{channel}: {_group.DescribeEvents()}");
        }
        foreach (var sentinel in _group.Sentinels)
        {
            if (!sentinel.Process.HasExited) Assert.Equal(masterPort, await Topology.MasterPortSeenByAsync(sentinel));
        }
        var role = await Topology.RoleAsync(_group.Replicas[0]);
        Assert.Equal(("slave", masterPort), (role.Role, role.MasterPort));
    }

    [Fact]
    public async Task NoFailoverWhenOnlyTwoSentinelsSeeTheMasterDownWithQuorumThree()
    {
        // The third sentinel's down-after is far longer than the master's sleep: it answers "not down".
        for (var i = 0; i < 2; i++)
        {
            var sentinel = await _group.StartVigilAsync(_group.SentinelConfig(quorum: 3, downAfterMs: 1500));
            _events.Add(await _group.SubscribeAsync(sentinel, $"vigil-{i + 1}"));
        }
        var patient = await _group.StartVigilAsync(_group.SentinelConfig(quorum: 3, downAfterMs: 60000));
        _events.Add(await _group.SubscribeAsync(patient, "vigil-3 (down-after 60 s)"));
        await Topology.WaitForDiscoveryAsync(_group.Sentinels, peers: 2, replicas: 1, TimeSpan.FromSeconds(30));

        var master = _group.Master;
        await using (var client = await master.ConnectAsync())
        {
            await client.SendRawAsync("*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$1\r\n7\r\n");
            // Both impatient sentinels see it down, ask, and still have only 2 of the 3 votes needed for ODOWN.
            await _group.WaitAsync(() => _events.Take(2).All(e => e.Has("+sdown", $"master {Topology.MasterName}")), TimeSpan.FromSeconds(10), "+sdown on both");
            Assert.Equal("+OK", RespText.Render(await client.ReadAsync(TimeSpan.FromSeconds(15))));
        }
        await _group.WaitAsync(() => _events.Take(2).All(e => e.Has("-sdown", $"master {Topology.MasterName}")), TimeSpan.FromSeconds(10), "-sdown on both after the sleep");

        Assert.False(AnySentinelHas("+odown"), _group.DescribeEvents());
        Assert.False(AnySentinelHas("+try-failover"), _group.DescribeEvents());
        Assert.False(_events[2].Has("+sdown"), _group.DescribeEvents());
        await AssertNothingMovedAsync(master.Port);
    }

    [Fact]
    public async Task NoLeaderWhenOnlyTwoOfFiveKnownSentinelsAreAlive()
    {
        var config = _group.SentinelConfig(quorum: 2, downAfterMs: 1500, failoverTimeoutMs: 4000);
        for (var i = 0; i < 5; i++) await _group.StartVigilAsync(config);
        await Topology.WaitForDiscoveryAsync(_group.Sentinels, peers: 4, replicas: 1, TimeSpan.FromSeconds(30));
        for (var i = 2; i < 5; i++) await _group.Sentinels[i].KillAsync();
        for (var i = 0; i < 2; i++) _events.Add(await _group.SubscribeAsync(_group.Sentinels[i], $"vigil-{i + 1}"));

        // Quorum 2 is reached by the two survivors, but a leader needs 3 votes: a majority of the 5 they know.
        var master = _group.Master;
        await master.KillAsync();
        await _group.WaitAsync(() => _events.All(e => e.Has("+odown", $"master {Topology.MasterName}")), TimeSpan.FromSeconds(30), "+odown on both survivors");
        await _group.WaitAsync(() => AnySentinelHas("+try-failover"), TimeSpan.FromSeconds(30), "+try-failover");
        await _group.WaitAsync(() => AnySentinelHas("-failover-abort-not-elected"), TimeSpan.FromSeconds(30), "-failover-abort-not-elected");

        foreach (var sentinel in _group.Sentinels.Take(2))
        {
            await using var client = await sentinel.ConnectAsync();
            Assert.Equal(4, Replies.List(await client.CallAsync("SENTINEL", "SENTINELS", Topology.MasterName)).Count);
        }
        await AssertNothingMovedAsync(master.Port);
    }
}
