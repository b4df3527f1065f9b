using Vigil.Sentinel.Layout;
using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;

namespace Vigil.Sentinel.Tests;

/// <summary>Warnings for layouts that invite split brain: from the config file, and from the group discovery shows.</summary>
public sealed class LayoutWarningTests
{
    [Fact]
    public void ConfigWithQuorumOneIsWarnedAboutWithTheFix()
    {
        var warning = Assert.Single(LayoutAdvice.FromConfig(ConfigOf(Master(quorum: 1))));
        Assert.Equal("quorum-1", warning.Kind);
        Assert.Contains("SENTINEL SET mymaster quorum 2", warning.Text);
    }

    [Fact]
    public void ConfigWithAMajorityQuorumAndNoKnownSentinelsIsNotWarnedAbout()
    {
        Assert.Empty(LayoutAdvice.FromConfig(ConfigOf(Master(quorum: 2))));
    }

    [Fact]
    public void KnownSentinelsInTheConfigAreCounted()
    {
        var master = Master(quorum: 2) with
        {
            KnownSentinels = [new("10.0.1.2", 26379, PeerA), new("10.0.1.3", 26379, PeerB), new("10.0.1.4", 26379, PeerC), new("10.0.1.5", 26379, new string('d', 40))],
        };
        var warning = Assert.Single(LayoutAdvice.FromConfig(ConfigOf(master)));
        Assert.Equal("quorum-not-majority", warning.Kind);
        Assert.Contains("quorum 2 is not a majority of the 5 sentinels", warning.Text);
        Assert.Contains("quorum 3", warning.Text);
    }

    [Theory]
    [InlineData(1, 1, new[] { "quorum-1", "fewer-than-three-sentinels" })]
    [InlineData(2, 2, new[] { "fewer-than-three-sentinels" })]
    [InlineData(2, 3, new string[0])]
    [InlineData(1, 3, new[] { "quorum-1" })]
    [InlineData(2, 5, new[] { "quorum-not-majority" })]
    [InlineData(3, 5, new string[0])]
    public void DiscoveredGroupSizeAndQuorum(int quorum, int sentinels, string[] expected)
    {
        Assert.Equal(expected, LayoutAdvice.ForMaster("m", quorum, sentinels, false).Select(w => w.Kind));
    }

    [Fact]
    public void TwoSentinelsBesideTheMasterAndAReplicaArePublishedOnceDiscoveryShowsThem()
    {
        // Example 1 of the Sentinel documentation: the master's box and a replica's box, a sentinel on each, quorum 1.
        var network = new SentinelNetwork();
        network.AddRedis(MasterIp, MasterPort, 'm');
        network.AddRedis(ReplicaIp, ReplicaPort, 'r', (MasterIp, MasterPort));
        network.AddSentinel(MasterIp, 7201, ConfigOf(Master(quorum: 1)), seed: 1);
        network.AddSentinel(ReplicaIp, 7202, ConfigOf(Master(quorum: 1)), seed: 2);
        network.RunFor(20_000);

        for (int i = 0; i < 2; i++)
        {
            var kinds = network.Events(i, "+layout-warning").Select(e => e.Message).ToList();
            Assert.Equal(3, kinds.Count);
            Assert.Contains(kinds, k => k.Contains("quorum 1:", StringComparison.Ordinal));
            Assert.Contains(kinds, k => k.Contains("only 2 sentinel(s)", StringComparison.Ordinal));
            Assert.Contains(kinds, k => k.Contains("beside the master and beside a replica", StringComparison.Ordinal));
        }
        // Start-up logged what the file alone shows.
        Assert.Contains(network.Members[0].Effects.OfType<Log>(), l => l.Message.Contains("WARNING master 'mymaster': quorum 1", StringComparison.Ordinal));
    }
}
