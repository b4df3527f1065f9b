using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;

namespace Vigil.Sentinel.Tests;

/// <summary>Three cores talking to each other through simulated Redis nodes.</summary>
public sealed class SentinelGroupTests
{
    private static SentinelNetwork Group()
    {
        var network = new SentinelNetwork();
        network.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m'), (ReplicaIp, ReplicaPort), ("10.0.0.3", 7003)));
        network.AddNode(ReplicaIp, ReplicaPort, ReplicaInfo(RunId('r'), MasterIp, MasterPort));
        network.AddNode("10.0.0.3", 7003, ReplicaInfo(RunId('s'), MasterIp, MasterPort));
        for (int i = 0; i < 3; i++) network.AddSentinel($"10.0.1.{i + 1}", 7201 + i, ConfigOf(), seed: 100 + i);
        return network;
    }

    [Fact]
    public void SentinelsDiscoverEachOtherAndTheReplicasThroughHellos()
    {
        var network = Group();
        network.RunFor(10_000);

        for (int i = 0; i < 3; i++)
        {
            var fields = Replies.Fields(network.Sentinel(i, "master", "mymaster"));
            Assert.Equal("2", fields["num-other-sentinels"]);
            Assert.Equal("2", fields["num-slaves"]);
            Assert.Equal(2, network.Events(i, "+sentinel").Count());
            var peers = Replies.Items(network.Sentinel(i, "sentinels", "mymaster")).Select(Replies.Fields).ToList();
            Assert.All(peers, p => Assert.Equal("sentinel", p["flags"]));
        }
    }

    [Fact]
    public void AllSentinelsAgreeTheFrozenMasterIsObjectivelyDown()
    {
        var network = Group();
        network.RunFor(10_000);
        network.Nodes[(MasterIp, MasterPort)].Frozen = true;
        network.RunFor(8_000);

        for (int i = 0; i < 3; i++)
        {
            Assert.Single(network.Events(i, "+sdown"));
            var odown = Assert.Single(network.Events(i, "+odown"));
            Assert.Matches($"^master mymaster {MasterIp} {MasterPort} #quorum [23]/2$", odown.Message);
            Assert.Empty(network.Events(i, "+tilt"));
        }
    }

    [Fact]
    public void ASingleSentinelsViewDoesNotMakeOdown()
    {
        var network = Group();
        network.RunFor(10_000);
        // Only sentinel 0 loses the master: the others still answer "not down".
        network.Sentinel(0, "set", "mymaster", "down-after-milliseconds", "1000");
        network.Sentinel(0, "set", "mymaster", "quorum", "2");
        network.Nodes[(MasterIp, MasterPort)].PingReply = new Vigil.Resp.RespError("ERR not a valid reply");
        network.RunFor(3000);

        Assert.Single(network.Events(0, "+sdown"));
        Assert.Empty(network.Events(0, "+odown"));
        Assert.Empty(network.Events(1, "+sdown"));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void GroupReconvergesAfterRandomChurn(int seed)
    {
        var random = new Random(seed);
        var network = Group();
        var dataNodes = network.Nodes.Values.ToList();
        network.RunFor(5000);
        for (int step = 0; step < 150; step++)
        {
            var node = dataNodes[random.Next(dataNodes.Count)];
            switch (random.Next(4))
            {
                case 0: node.Frozen = !node.Frozen; break;
                case 1: node.Up = !node.Up; break;
                case 2: network.Sentinel(random.Next(3), "reset", "mymaster"); break;
                case 3: network.Sentinel(random.Next(3), "set", "mymaster", "down-after-milliseconds", random.Next(1000, 6000).ToString()); break;
            }
            network.RunFor(random.Next(100, 3000));
        }

        foreach (var node in dataNodes)
        {
            node.Frozen = false;
            node.Up = true;
        }
        network.RunFor(40_000);
        for (int i = 0; i < 3; i++)
        {
            var fields = Replies.Fields(network.Sentinel(i, "master", "mymaster"));
            Assert.Equal("2", fields["num-other-sentinels"]);
            Assert.Equal("2", fields["num-slaves"]);
            Assert.Equal("master", fields["flags"]);
        }
    }
}
