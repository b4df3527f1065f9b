using Vigil.Resp;
using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;

namespace Vigil.Sentinel.Tests;

public sealed class VotingTests
{
    private static RespValue Ask(SimulatedHost host, string ip, string port, string epoch, string runId) =>
        host.Sentinel("is-master-down-by-addr", ip, port, epoch, runId);

    private static RespValue Answer(long down, string leader, long epoch) =>
        RespValue.Array(RespValue.Integer(down), RespValue.Bulk(leader), RespValue.Integer(epoch));

    [Fact]
    public void FirstRequestInAnEpochWinsTheVoteAndLaterOnesGetTheSameAnswer()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.AdmitPeers(PeerA, PeerB, PeerC);

        Assert.Equal(Answer(0, PeerA, 5), Ask(host, MasterIp, "7001", "5", PeerA));
        Assert.Equal(Answer(0, PeerA, 5), Ask(host, MasterIp, "7001", "5", PeerB));
        Assert.Equal(Answer(0, PeerA, 5), Ask(host, MasterIp, "7001", "4", PeerC));

        Assert.Equal($"{PeerA} 5", Assert.Single(host.Events("+vote-for-leader")).Message);
        Assert.Equal("5", Assert.Single(host.Events("+new-epoch")).Message);
        var saved = host.EffectsOf<PersistState>().Last().State;
        Assert.Equal(5, saved.CurrentEpoch);
        Assert.Equal(5, saved.Masters[0].LeaderEpoch);
        Assert.Equal(PeerA, saved.Masters[0].Leader);
    }

    [Fact]
    public void AHigherEpochGetsANewVote()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.AdmitPeers(PeerA, PeerB);
        Ask(host, MasterIp, "7001", "5", PeerA);

        Assert.Equal(Answer(0, PeerB, 6), Ask(host, MasterIp, "7001", "6", PeerB));
        Assert.Equal(2, host.Events("+vote-for-leader").Count());
    }

    [Fact]
    public void AVoteIsPerMasterAnEpochBelowTheCurrentOneStillGetsIt()
    {
        // A storm of failovers (other masters) raised the current epoch to 9; this master has voted in no epoch and its
        // configuration is from epoch 3. The reference would refuse anything below 9.
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.AdmitPeers(PeerA, PeerB);
        host.PublishHello($"10.0.0.20,7120,{PeerA},9,mymaster,{MasterIp},{MasterPort},3");
        Assert.Equal(9, host.Core.State.CurrentEpoch);
        Assert.Equal("3", Replies.Fields(host.Sentinel("master", "mymaster"))["config-epoch"]);

        Assert.Equal(Answer(0, "*", 0), Ask(host, MasterIp, "7001", "3", PeerA));
        Assert.Equal(Answer(0, PeerB, 5), Ask(host, MasterIp, "7001", "5", PeerB));
        Assert.Equal(Answer(0, PeerB, 5), Ask(host, MasterIp, "7001", "5", PeerA));
        Assert.Equal(Answer(0, PeerB, 5), Ask(host, MasterIp, "7001", "4", PeerA));
        Assert.Equal($"{PeerB} 5", Assert.Single(host.Events("+vote-for-leader")).Message);
        Assert.Equal(9, host.Core.State.CurrentEpoch);
    }

    [Fact]
    public void StarRequestsNoVoteAndLeavesTheEpochAlone()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();

        Assert.Equal(Answer(0, "*", 0), Ask(host, MasterIp, "7001", "9", "*"));
        Assert.Empty(host.Events("+new-epoch"));
        Assert.Equal(0, host.Core.State.CurrentEpoch);
    }

    [Fact]
    public void UnknownMasterAddressGetsNoVote()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();

        Assert.Equal(Answer(0, "*", 0), Ask(host, ReplicaIp, "7002", "5", PeerA));
        Assert.Equal(0, host.Core.State.CurrentEpoch);
    }

    [Fact]
    public void DownIsOneOnlyWhileTheMasterIsSdownHere()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(1000);
        host.Nodes[(MasterIp, MasterPort)].Frozen = true;
        host.RunFor(7000);

        Assert.Equal(Answer(1, "*", 0), Ask(host, MasterIp, "7001", "0", "*"));
    }

    [Fact]
    public void NonIntegerPortOrEpochIsRejected()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();

        Assert.Equal("ERR value is not an integer or out of range", Replies.Error(Ask(host, MasterIp, "x", "1", "*")));
        Assert.Equal("ERR value is not an integer or out of range", Replies.Error(Ask(host, MasterIp, "7001", "01", "*")));
    }

    [Fact]
    public void VotingForAnotherSentinelDelaysOurOwnFailover()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.AdmitPeers(PeerA);
        Ask(host, MasterIp, "7001", "3", PeerA);

        // The start time is now + up to 1 s of jitter; the failover logic waits 2 × failover-timeout from it.
        var saved = host.Core.State;
        Assert.Equal(PeerA, saved.Masters[0].Leader);
    }

    [Fact]
    public void PeerVotesAreRecordedFromTheirAnswers()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        var peer = host.AddNode("10.0.0.9", 7109);
        peer.IsMasterDownReply = _ => Answer(1, PeerC, 4);
        host.PublishHello($"10.0.0.9,7109,{PeerA},0,mymaster,{MasterIp},{MasterPort},0");
        host.RunFor(1000);
        host.Nodes[(MasterIp, MasterPort)].Frozen = true;
        host.RunFor(7000);

        var fields = Replies.Fields(Replies.Items(host.Sentinel("sentinels", "mymaster")).Single());
        Assert.Equal(PeerC, fields["voted-leader"]);
        Assert.Equal("4", fields["voted-leader-epoch"]);
        Assert.Single(host.EffectsOf<Log>(), l => l.Message == $"{PeerA} voted for {PeerC} 4");
    }
}
