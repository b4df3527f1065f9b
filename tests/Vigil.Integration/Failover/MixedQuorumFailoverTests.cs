using Vigil.Integration.Infrastructure;

namespace Vigil.Integration.Failover;

/// <summary>
/// One Vigil and two real redis-sentinel processes fail a master over together, once with Vigil leading
/// and the reference sentinels voting for it and following, once the other way round.
/// </summary>
/// <remarks>
/// The leader is made certain, not lucky, through each sentinel's own quorum. The one meant to lead has
/// quorum 2; the two others have quorum 4, more than there are sentinels, so they never see the master
/// ODOWN and never start a failover of their own. They still see it SDOWN and say so when asked (the
/// leader's ODOWN counts their answers), they still vote (a vote does not depend on the voter's quorum),
/// and they follow the new configuration the leader announces in its hellos. The leader needs 2 votes:
/// a majority of the 3 known sentinels and its quorum.
/// </remarks>
public sealed class MixedQuorumFailoverTests : IAsyncLifetime
{
    private const int LeaderQuorum = 2;
    private const int FollowerQuorum = 4;

    private readonly SentinelGroup _group = new();

    public async Task InitializeAsync()
    {
        await _group.StartMasterAsync();
        await _group.StartReplicaAsync();
        await _group.StartReplicaAsync();
    }

    public async Task DisposeAsync() => await _group.DisposeAsync();

    [Fact]
    public async Task FailoverLedByVigilCompletesWithReferenceVotesAndTheyFollow()
    {
        var vigil = await _group.StartVigilAsync(_group.SentinelConfig(LeaderQuorum));
        var first = await _group.StartReferenceAsync(_group.SentinelConfig(FollowerQuorum));
        var second = await _group.StartReferenceAsync(_group.SentinelConfig(FollowerQuorum));

        await FailOverAndCheckAsync(leader: (vigil, "vigil"), voters: [(first, "reference-1"), (second, "reference-2")]);
    }

    [Fact]
    public async Task FailoverLedByReferenceCompletesWithVigilVoteAndVigilFollows()
    {
        var reference = await _group.StartReferenceAsync(_group.SentinelConfig(LeaderQuorum));
        var vigil = await _group.StartVigilAsync(_group.SentinelConfig(FollowerQuorum));
        var other = await _group.StartReferenceAsync(_group.SentinelConfig(FollowerQuorum));

        await FailOverAndCheckAsync(leader: (reference, "reference-leader"), voters: [(vigil, "vigil"), (other, "reference-2")]);
    }

    private async Task FailOverAndCheckAsync((RunningNode Node, string Name) leader, (RunningNode Node, string Name)[] voters)
    {
        await Topology.WaitForDiscoveryAsync(_group.Sentinels, peers: 2, replicas: 2, TimeSpan.FromSeconds(30));
        var leaderId = await Topology.RunIdAsync(leader.Node);
        var leaderEvents = await _group.SubscribeAsync(leader.Node, leader.Name);
        var voterEvents = new List<SentinelEvents>();
        foreach (var voter in voters) voterEvents.Add(await _group.SubscribeAsync(voter.Node, voter.Name));

        var oldMaster = _group.Master;
        await oldMaster.KillAsync();

        await _group.WaitAsync(() => leaderEvents.Has("+switch-master"), TimeSpan.FromSeconds(60), $"{leader.Name} switching the master");
        var switchText = leaderEvents.First("+switch-master")!;
        var newPort = int.Parse(switchText.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.StartsWith($"{Topology.MasterName} 127.0.0.1 {oldMaster.Port} 127.0.0.1 ", switchText, StringComparison.Ordinal);
        Assert.Contains(_group.Replicas, r => r.Port == newPort);

        // The leader won the election, and won it with the others' votes.
        Assert.True(leaderEvents.Has("+elected-leader", $"master {Topology.MasterName} 127.0.0.1 {oldMaster.Port}"), _group.DescribeEvents());
        Assert.True(leaderEvents.Has("+vote-for-leader", leaderId + " "), _group.DescribeEvents());
        var epoch = leaderEvents.First("+vote-for-leader")!.Split(' ')[1];
        await _group.WaitAsync(() => voterEvents.All(e => e.Has("+vote-for-leader", $"{leaderId} {epoch}")), TimeSpan.FromSeconds(10),
            $"both voters voting for {leaderId} in epoch {epoch}");
        foreach (var events in voterEvents)
        {
            Assert.False(events.Has("+try-failover"), _group.DescribeEvents());
            Assert.False(events.Has("+elected-leader"), _group.DescribeEvents());
        }

        // The voters follow the leader's new configuration, and everyone ends up on the promoted replica.
        var expectedSwitch = $"{Topology.MasterName} 127.0.0.1 {oldMaster.Port} 127.0.0.1 {newPort}";
        await _group.WaitAsync(() => voterEvents.All(e => e.Has("+switch-master", expectedSwitch)), TimeSpan.FromSeconds(30),
            "both voters following +switch-master");
        await _group.WaitForAgreementAsync(newPort, TimeSpan.FromSeconds(30));
    }
}
