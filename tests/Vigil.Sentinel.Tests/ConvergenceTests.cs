using Vigil.Resp;
using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;
using static Vigil.Sentinel.Tests.Support.FailoverFixture;

namespace Vigil.Sentinel.Tests;

/// <summary>Adopting peers' configurations (compatibility-rules §8.2) and forcing nodes to ours (§8.3).</summary>
public sealed class ConvergenceTests
{
    private static FakeNode PeerNode(SimulatedHost host, int index) => host.Nodes[(Peers[index].Ip, Peers[index].Port)];

    private static RespValue Addr(string ip, int port) => RespValue.Array(RespValue.Bulk(ip), RespValue.Bulk(port));

    private static string Hello(int peer, string masterIp, int masterPort, long configEpoch) =>
        $"{Peers[peer].Ip},{Peers[peer].Port},{Peers[peer].RunId},{configEpoch},mymaster,{masterIp},{masterPort},{configEpoch}";

    private static (string, string) MasterAddr(SimulatedHost host)
    {
        var items = Replies.Items(host.Sentinel("get-master-addr-by-name", "mymaster"));
        return (Replies.Text(items[0]), Replies.Text(items[1]));
    }

    [Fact]
    public void APeerConfirmingItsHelloMovesTheMasterToAKnownReplica()
    {
        var host = Start(tweak: m => m with { ClientReconfigScript = "/ok/reconfig.sh" });
        PeerNode(host, 0).MasterAddrReply = _ => Addr(ReplicaIp, ReplicaPort);
        host.PublishHello(Hello(0, ReplicaIp, ReplicaPort, 3));
        host.RunFor(10);

        Assert.Contains(host.Sends(Peers[0].Ip, Peers[0].Port), s => s.Args.SequenceEqual(["SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"]));
        Assert.Equal($"sentinel {PeerA} {Peers[0].Ip} {Peers[0].Port} @ mymaster {MasterIp} 7001", Assert.Single(host.Texts("+config-update-from")));
        Assert.Equal($"mymaster {MasterIp} 7001 {ReplicaIp} 7002", Assert.Single(host.Texts("+switch-master")));
        Assert.Equal((ReplicaIp, "7002"), MasterAddr(host));
        Assert.Equal("3", Replies.Fields(host.Sentinel("master", "mymaster"))["config-epoch"]);
        var script = Assert.Single(host.EffectsOf<RunScript>(), r => r.Path == "/ok/reconfig.sh");
        Assert.Equal(["mymaster", "observer", "start", MasterIp, "7001", ReplicaIp, "7002"], script.Args);
    }

    [Fact]
    public void AForgedHelloBorrowingARealPeersIdentityIsDeniedByThatPeer()
    {
        var host = Start();
        PeerNode(host, 0).MasterAddrReply = _ => Addr(MasterIp, MasterPort); // the real peer knows better
        host.PublishHello(Hello(0, ReplicaIp, ReplicaPort, 1000));
        host.RunFor(10_000);

        Assert.Empty(host.Events("+switch-master"));
        Assert.Equal((MasterIp, "7001"), MasterAddr(host));
        Assert.Equal("0", Replies.Fields(host.Sentinel("master", "mymaster"))["config-epoch"]);
        Assert.Empty(host.Nodes[(ReplicaIp, ReplicaPort)].Model!.Transactions);
    }

    [Fact]
    public void AHelloFromASentinelWeCannotReachMovesNothing()
    {
        var host = Start();
        host.PublishHello($"10.0.0.66,7166,{PeerC},5,mymaster,{ReplicaIp},{ReplicaPort},5");
        host.RunFor(10_000);

        Assert.Empty(host.Events("+switch-master"));
        Assert.Equal((MasterIp, "7001"), MasterAddr(host));
    }

    [Fact]
    public void AHelloCarryingOurOwnIdIsIgnored()
    {
        var host = Start();
        host.PublishHello($"10.0.0.66,7166,{host.Core.MyId},9,mymaster,{ReplicaIp},{ReplicaPort},9");

        Assert.Equal(2, Replies.Items(host.Sentinel("sentinels", "mymaster")).Count);
        Assert.Empty(host.Events("+new-epoch"));
    }

    [Fact]
    public void AnAddressThatIsNoKnownReplicaNeedsAMajorityOfConfirmations()
    {
        var host = Start();
        host.AddRedis("10.0.0.77", 7077, 'n');
        PeerNode(host, 0).MasterAddrReply = _ => Addr("10.0.0.77", 7077);
        PeerNode(host, 1).MasterAddrReply = _ => Addr(MasterIp, MasterPort);
        host.PublishHello(Hello(0, "10.0.0.77", 7077, 4));
        host.RunFor(10);
        Assert.Empty(host.Events("+switch-master"));

        PeerNode(host, 1).MasterAddrReply = _ => Addr("10.0.0.77", 7077);
        host.RunFor(6_000); // the first check lapses
        host.PublishHello(Hello(0, "10.0.0.77", 7077, 4));
        host.RunFor(10);
        Assert.Equal($"mymaster {MasterIp} 7001 10.0.0.77 7077", Assert.Single(host.Texts("+switch-master")));
    }

    [Fact]
    public void WithOnePeerKnownItsConfirmationIsTheMajorityThatCanBeHad()
    {
        // We re-monitored the master after the group failed over without us: our record is at config epoch 0, our
        // master restarted as an empty master, and the one peer we discovered since announces the group's newer
        // configuration. No other sentinel can confirm it; asking for two confirmations would keep us apart for ever
        // (seed 502976).
        var host = Start(peerCount: 1);
        host.AddRedis("10.0.0.77", 7077, 'n');
        PeerNode(host, 0).MasterAddrReply = _ => Addr("10.0.0.77", 7077);
        host.PublishHello(Hello(0, "10.0.0.77", 7077, 2));
        host.RunFor(10);

        Assert.Equal($"mymaster {MasterIp} 7001 10.0.0.77 7077", Assert.Single(host.Texts("+switch-master")));
    }

    [Fact]
    public void AnAddressOurMasterReportsReplicatingFromNeedsOnlyTheSendersConfirmation()
    {
        var host = Start();
        host.AddRedis("10.0.0.77", 7077, 'n');
        PeerNode(host, 0).MasterAddrReply = _ => Addr("10.0.0.77", 7077);
        PeerNode(host, 1).MasterAddrReply = _ => Addr(MasterIp, MasterPort);
        // The old master is a replica of the new one already (another sentinel turned it).
        host.MasterNode().Model!.Follow("10.0.0.77", 7077);
        host.RunFor(10_500); // the next INFO sees it

        host.PublishHello(Hello(0, "10.0.0.77", 7077, 4));
        host.RunFor(10);

        Assert.Equal($"mymaster {MasterIp} 7001 10.0.0.77 7077", Assert.Single(host.Texts("+switch-master")));
        Assert.Equal(("10.0.0.77", "7077"), MasterAddr(host));
    }

    [Fact]
    public void AnAddressOneOfOurReplicasReplicatesFromNeedsOnlyTheSendersConfirmation()
    {
        var host = Start();
        host.AddRedis("10.0.0.77", 7077, 'n');
        PeerNode(host, 0).MasterAddrReply = _ => Addr("10.0.0.77", 7077);
        PeerNode(host, 1).MasterAddrReply = _ => Addr(MasterIp, MasterPort); // behind: it never learned 10.0.0.77
        // The failover's leader repointed a replica we know; the node it promoted was never listed to us.
        host.Nodes[(ReplicaIp, ReplicaPort)].Model!.Follow("10.0.0.77", 7077);
        host.RunFor(10_500); // the next INFO sees it

        host.PublishHello(Hello(0, "10.0.0.77", 7077, 4));
        host.RunFor(10);

        Assert.Equal($"mymaster {MasterIp} 7001 10.0.0.77 7077", Assert.Single(host.Texts("+switch-master")));
    }

    [Fact]
    public void TheLeaderWeVotedForNeedsOnlyItsOwnConfirmationForItsEpoch()
    {
        var host = Start();
        host.AddRedis("10.0.0.77", 7077, 'n');
        PeerNode(host, 0).MasterAddrReply = _ => Addr("10.0.0.77", 7077);
        PeerNode(host, 1).MasterAddrReply = _ => Addr(MasterIp, MasterPort); // behind: it never learned 10.0.0.77
        // We gave peer A our vote in epoch 4; it promoted a node we never saw listed, and no node we watch follows it.
        host.Sentinel("is-master-down-by-addr", MasterIp, "7001", "4", PeerA);

        host.PublishHello(Hello(0, "10.0.0.77", 7077, 4));
        host.RunFor(10);

        Assert.Equal($"mymaster {MasterIp} 7001 10.0.0.77 7077", Assert.Single(host.Texts("+switch-master")));
    }

    [Fact]
    public void OurVoteVouchesOnlyForTheEpochItWasGivenIn()
    {
        var host = Start();
        host.AddRedis("10.0.0.77", 7077, 'n');
        PeerNode(host, 0).MasterAddrReply = _ => Addr("10.0.0.77", 7077);
        PeerNode(host, 1).MasterAddrReply = _ => Addr(MasterIp, MasterPort);
        host.Sentinel("is-master-down-by-addr", MasterIp, "7001", "4", PeerA);

        host.PublishHello(Hello(0, "10.0.0.77", 7077, 5));
        host.RunFor(10);

        Assert.Empty(host.Events("+switch-master"));
    }

    [Fact]
    public void AConfigurationOfOurOwnForcedFailoverYieldsToAPeersOfTheSameEpoch()
    {
        // The peers see the master up: nothing but the operator fails it over.
        var host = Start(_ => RespValue.Array(RespValue.Integer(0), RespValue.Bulk("*"), RespValue.Integer(0)));
        host.MasterNode().Frozen = true;
        host.RunFor(10_500); // SDOWN, and replicas' INFO fresh enough for selection
        Assert.Equal(RespValue.Ok, host.Sentinel("failover", "mymaster"));
        host.RunFor(5_000);
        Assert.Equal($"mymaster {MasterIp} 7001 {ReplicaIp} 7002", Assert.Single(host.Texts("+switch-master")));
        Assert.True(host.Core.State.Masters[0].ConfigEpochForced);

        // The group, which we could not reach, had failed over to the other replica in the same epoch.
        PeerNode(host, 0).MasterAddrReply = _ => Addr(Replica2Ip, Replica2Port);
        host.PublishHello(Hello(0, Replica2Ip, Replica2Port, 1));
        host.RunFor(10);

        Assert.Equal($"mymaster {ReplicaIp} 7002 {Replica2Ip} 7003", host.Texts("+switch-master")[1]);
        Assert.Equal((Replica2Ip, "7003"), MasterAddr(host));
        Assert.False(host.Core.State.Masters[0].ConfigEpochForced);
    }

    [Fact]
    public void AnElectedConfigurationDoesNotYieldToAPeersOfTheSameEpoch()
    {
        var host = Start();
        host.MasterNode().Frozen = true;
        host.RunUntilEvent("+switch-master", 20_000);
        string switched = Assert.Single(host.Texts("+switch-master"));
        Assert.EndsWith($"{ReplicaIp} 7002", switched);

        PeerNode(host, 0).MasterAddrReply = _ => Addr(Replica2Ip, Replica2Port);
        host.PublishHello(Hello(0, Replica2Ip, Replica2Port, 1));
        host.RunFor(1_000);

        Assert.Single(host.Texts("+switch-master"));
        Assert.Equal((ReplicaIp, "7002"), MasterAddr(host));
    }

    [Fact]
    public void OfTwoConfigurationsWithTheSameEpochTheLowerAddressWins()
    {
        var host = Start();
        host.MasterNode().Frozen = true;
        host.RunUntilEvent("+switch-master", 20_000);
        Assert.Equal((ReplicaIp, "7002"), MasterAddr(host));

        // A copy of another configuration of epoch 1 (an operator's failover in a partition), at a lower address.
        PeerNode(host, 0).MasterAddrReply = _ => Addr(MasterIp, MasterPort);
        host.PublishHello(Hello(0, MasterIp, MasterPort, 1));
        host.RunFor(10);

        Assert.Equal($"mymaster {ReplicaIp} 7002 {MasterIp} 7001", host.Texts("+switch-master")[1]);
        Assert.Equal((MasterIp, "7001"), MasterAddr(host));
    }

    [Fact]
    public void ANewerClaimForTheOldAddressDuringOurReconfigurationIsAMove()
    {
        var host = Start();
        host.MasterNode().Frozen = true;
        host.RunUntilEvent("+promoted-slave", 15_000);
        Assert.Equal((ReplicaIp, "7002"), MasterAddr(host));

        // A newer election (epoch 2) went back to the old master's address.
        PeerNode(host, 0).MasterAddrReply = _ => Addr(MasterIp, MasterPort);
        PeerNode(host, 1).MasterAddrReply = _ => Addr(MasterIp, MasterPort);
        host.PublishHello(Hello(0, MasterIp, MasterPort, 2));
        host.RunFor(10);

        Assert.Equal($"mymaster {ReplicaIp} 7002 {MasterIp} 7001", Assert.Single(host.Texts("+switch-master")));
        Assert.Equal((MasterIp, "7001"), MasterAddr(host));
        Assert.Equal("2", Replies.Fields(host.Sentinel("master", "mymaster"))["config-epoch"]);
    }

    [Fact]
    public void AReplicaFollowingAnotherMasterIsFixedAfterTheFailoverTimeout()
    {
        var host = Start();
        var replica = host.Nodes[(ReplicaIp, ReplicaPort)].Model!;
        replica.Follow("10.0.0.99", 7099);
        host.RunFor(10_500); // the next INFO sees it
        long seenAt = host.Now;
        host.RunFor(25_000);

        var fixedAt = host.TimeOf("+fix-slave-config");
        Assert.NotNull(fixedAt);
        Assert.InRange(fixedAt!.Value - seenAt, 10_000, 21_500);
        Assert.Equal((MasterIp, MasterPort), (replica.MasterHost, replica.MasterPort));
    }

    [Fact]
    public void AReplicaReportingMasterIsConvertedAfterTheWait()
    {
        var host = Start();
        var replica = host.Nodes[(ReplicaIp, ReplicaPort)].Model!;
        replica.IsMaster = true;
        host.RunFor(25_000);

        long seenAt = host.Timeline.First(t => t.Effect is PublishEvent { Channel: "-role-change" }).AtMs;
        long convertedAt = host.TimeOf("+convert-to-slave")!.Value;
        Assert.True(convertedAt - seenAt > 8_000);
        Assert.False(replica.IsMaster);
        Assert.Equal((MasterIp, MasterPort), (replica.MasterHost, replica.MasterPort));
    }

    [Fact]
    public void AReplicaReportingMasterAfterANewerElectionIsLeftAloneUntilThatFailoverMustHaveEnded()
    {
        var host = Start();
        // A peer asked for votes in epoch 1 (we vote for it); its failover's outcome never reaches us.
        host.Sentinel("is-master-down-by-addr", MasterIp, "7001", "1", PeerA);
        long electionAt = host.Now;
        var replica = host.Nodes[(ReplicaIp, ReplicaPort)].Model!;
        replica.IsMaster = true; // what that leader's promotion looks like from here
        host.RunFor(38_000);

        Assert.Empty(host.Events("+convert-to-slave"));
        Assert.True(replica.IsMaster);
        host.RunFor(15_000);
        long convertedAt = host.TimeOf("+convert-to-slave")!.Value;
        Assert.True(convertedAt - electionAt > 40_000); // 2 × failover-timeout
        Assert.False(replica.IsMaster);
    }

    [Fact]
    public void NoNodeIsReconfiguredInTilt()
    {
        var host = Start();
        var replica = host.Nodes[(ReplicaIp, ReplicaPort)].Model!;
        replica.IsMaster = true;
        host.RunFor(5_000);
        host.Tick(host.Now + 3_000);
        host.RunFor(25_000);

        Assert.Single(host.Events("+tilt"));
        Assert.Empty(host.Events("+convert-to-slave"));
        Assert.True(replica.IsMaster);
        host.RunFor(15_000);
        Assert.Single(host.Events("+convert-to-slave"));
    }

    [Fact]
    public void TheOldMasterComingBackAfterTheSwitchIsFencedAtOnce()
    {
        var host = Start();
        var oldMaster = host.MasterNode();
        host.Kill(oldMaster);
        host.RunFor(20_000);
        Assert.Single(host.Events("+switch-master"));

        oldMaster.Up = true;
        long upAt = host.Now;
        host.RunFor(3_000);

        long fencedAt = host.TimeOf("+convert-to-slave")!.Value;
        Assert.InRange(fencedAt - upAt, 0, 1_100); // the reference waits at least 8 s
        Assert.Equal($"slave {MasterIp}:7001 {MasterIp} 7001 @ mymaster {ReplicaIp} 7002", Assert.Single(host.Texts("+convert-to-slave")));
        Assert.Equal((ReplicaIp, 7002), (oldMaster.Model!.MasterHost, oldMaster.Model.MasterPort));
    }

    [Fact]
    public void AnOldMasterBackAsMasterAfterANewerElectionIsNotFencedAtOnce()
    {
        var host = Start();
        var oldMaster = host.MasterNode();
        host.Kill(oldMaster);
        host.RunFor(20_000);
        Assert.Single(host.Events("+switch-master"));

        // A peer asks for votes in the next epoch (we vote for it) and, as far as we can tell, promotes the old
        // master once it is back: that epoch is newer than the one that took its role.
        host.Sentinel("is-master-down-by-addr", ReplicaIp, "7002", "2", PeerA);
        long electionAt = host.Now;
        oldMaster.Up = true;
        host.RunFor(3_000);

        Assert.Empty(host.Events("+convert-to-slave"));
        Assert.True(oldMaster.Model!.IsMaster);
        host.RunFor(55_000); // the role is checked on INFO, every 10 s
        long convertedAt = host.TimeOf("+convert-to-slave")!.Value;
        Assert.True(convertedAt - electionAt > 40_000); // 2 × failover-timeout, as for any replica reporting master
    }

    [Fact]
    public void AMasterInAReplicationLoopWithItsReplicaIsMadeAMasterAgain()
    {
        // Peers see the master up: no failover ends the loop (as when no replica may be promoted).
        var host = Start(answer: _ => RespValue.Array(RespValue.Integer(0), RespValue.Bulk("*"), RespValue.Integer(0)));
        var master = host.MasterNode().Model!;
        master.Follow(ReplicaIp, ReplicaPort); // a sentinel on a stale configuration demoted it under its own replica
        long loopAt = host.Now;
        host.RunFor(5_000);
        Assert.Empty(host.Events("+replication-loop-broken"));

        host.RunFor(30_000);
        long brokenAt = host.TimeOf("+replication-loop-broken")!.Value;
        Assert.True(brokenAt - loopAt > 8_000); // the wait a conversion has, for a newer configuration to arrive
        Assert.Equal($"master mymaster {MasterIp} 7001", Assert.Single(host.Texts("+replication-loop-broken")));
        Assert.True(master.IsMaster);
        Assert.Empty(host.Events("+switch-master"));
    }

    [Fact]
    public void AnOldMasterThawingDuringReconfigurationFollowsThePromotedReplicaStraightAway()
    {
        var host = Start();
        host.Nodes[(Replica2Ip, Replica2Port)].Model!.IgnoresSlaveof = true; // keeps us in reconf_slaves
        var oldMaster = host.MasterNode();
        oldMaster.Frozen = true;
        host.RunUntilEvent("+failover-state-reconf-slaves", 15_000);
        Assert.Equal($"master mymaster {MasterIp} 7001", host.Texts("+convert-to-slave").Single());

        oldMaster.Frozen = false;
        host.RunFor(1);

        Assert.False(oldMaster.Model!.IsMaster);
        Assert.Equal((ReplicaIp, 7002), (oldMaster.Model.MasterHost, oldMaster.Model.MasterPort));
        Assert.Equal("reconf_slaves", Replies.Fields(host.Sentinel("master", "mymaster"))["failover-state"]);
    }
}
