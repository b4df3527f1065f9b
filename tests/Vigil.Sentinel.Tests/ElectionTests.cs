using Vigil.Resp;
using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;
using static Vigil.Sentinel.Tests.Support.FailoverFixture;

namespace Vigil.Sentinel.Tests;

public sealed class ElectionTests
{
    [Fact]
    public void OdownStartsAFailoverWithinASecondAndAsksEveryPeerForItsVoteAtOnce()
    {
        var host = Start();
        host.MasterNode().Frozen = true;
        host.RunFor(10_000);

        long odownAt = host.TimeOf("+odown")!.Value;
        long startAt = host.TimeOf("+try-failover")!.Value;
        Assert.InRange(startAt - odownAt, 0, 999);
        Assert.Equal("1", host.Texts("+new-epoch").Single());
        foreach (var (ip, port, _) in Peers)
        {
            var ask = host.Sends(ip, port).First(s => s.AtMs >= startAt && s.Args[0] == "SENTINEL");
            Assert.Equal(startAt, ask.AtMs);
            Assert.Equal(["SENTINEL", "is-master-down-by-addr", MasterIp, "7001", "1", host.Core.MyId], ask.Args);
        }
    }

    [Fact]
    public void TheAttemptWaitsOneElectionSlotPerLivePeerWithALowerRunId()
    {
        var ranksSeen = new HashSet<int>();
        for (int seed = 1; seed <= 12; seed++)
        {
            var host = Start(seed: seed);
            int rank = Peers.Count(p => string.CompareOrdinal(p.RunId, host.Core.MyId) < 0);
            ranksSeen.Add(rank);
            host.MasterNode().Frozen = true;
            host.RunFor(10_000);

            long odownAt = host.TimeOf("+odown")!.Value;
            long startAt = host.TimeOf("+try-failover")!.Value;
            // 100 ms per lower run id, plus 0-49 ms at random; the lowest run id asks at once.
            Assert.InRange(startAt - odownAt, rank * 100, rank * 100 + 49);
        }
        Assert.True(ranksSeen.Count >= 2, "the seeds should give this sentinel different ranks");
    }

    [Fact]
    public void MajorityOfVotesElectsThisSentinel()
    {
        var host = Start();
        host.MasterNode().Frozen = true;
        host.RunFor(10_000);

        Assert.Equal($"{host.Core.MyId} 1", Assert.Single(host.Texts("+vote-for-leader")));
        Assert.Equal($"master mymaster {MasterIp} 7001", Assert.Single(host.Texts("+elected-leader")));
        Assert.Single(host.Events("+failover-state-select-slave"));
    }

    [Fact]
    public void OneVoteOutOfThreeIsNotEnoughAndTheAttemptAbortsAfterTheElectionTimeout()
    {
        var host = Start(args => VoteFor(PeerA, args));
        host.MasterNode().Frozen = true;
        host.RunFor(25_000);

        Assert.Empty(host.Events("+elected-leader"));
        long startAt = host.TimeOf("+try-failover")!.Value;
        long abortAt = host.TimeOf("-failover-abort-not-elected")!.Value;
        // min(10 s election timeout, failover-timeout) after the start time, which carries up to 1 s of jitter.
        Assert.InRange(abortAt - startAt, 10_001, 11_000);
        Assert.DoesNotContain("failover_in_progress", Replies.Fields(host.Sentinel("master", "mymaster"))["flags"]);
        // Our own vote is cast in the tick that starts the attempt, before any peer's vote is known: for ourselves.
        Assert.Equal($"{host.Core.MyId} 1", Assert.Single(host.Texts("+vote-for-leader")));
    }

    [Fact]
    public void ANewAttemptWaitsTwiceTheFailoverTimeout()
    {
        var host = Start(args => VoteFor(PeerA, args));
        host.MasterNode().Frozen = true;
        host.RunFor(60_000);

        var starts = host.Timeline.Where(t => t.Effect is PublishEvent { Channel: "+try-failover" }).Select(t => t.AtMs).ToList();
        Assert.Equal(2, starts.Count);
        Assert.InRange(starts[1] - starts[0], 40_000, 41_000);
        Assert.Equal(["1", "2"], host.Texts("+new-epoch"));
        Assert.Contains(host.EffectsOf<Log>(), l => l.Message.StartsWith("Next failover delay: I will not start a failover before ", StringComparison.Ordinal));
    }

    [Fact]
    public void VotingForAnotherSentinelBlocksOurOwnAttempt()
    {
        var host = Start();
        host.Sentinel("is-master-down-by-addr", MasterIp, "7001", "1", PeerB);
        host.MasterNode().Frozen = true;
        host.RunFor(30_000);

        Assert.Empty(host.Events("+try-failover"));
        Assert.Contains(host.EffectsOf<Log>(), l => l.Message.StartsWith("Next failover delay", StringComparison.Ordinal));
    }

    [Fact]
    public void WinnerNeedsTheQuorumEvenWithAMajority()
    {
        var host = Start(tweak: m => m with { Quorum = 3 });
        host.Sentinel("set", "mymaster", "quorum", "3");
        // Only one peer answers (the other is gone): 2 of 3 voters is a majority but below quorum 3.
        host.Kill(host.Nodes[("10.0.0.10", 7110)]);
        host.Nodes[("10.0.0.10", 7110)].IsMasterDownReply = null;
        host.MasterNode().Frozen = true;
        host.RunFor(20_000);

        Assert.Empty(host.Events("+odown")); // quorum 3 is not reached for ODOWN either
        Assert.Empty(host.Events("+try-failover"));
    }

    [Fact]
    public void OurVoteIsCastOncePerEpoch()
    {
        var host = Start();
        host.MasterNode().Frozen = true;
        host.RunUntilEvent("+elected-leader", 10_000);

        var reply = host.Sentinel("is-master-down-by-addr", MasterIp, "7001", "1", PeerA);
        Assert.Equal(RespValue.Array(RespValue.Integer(1), RespValue.Bulk(host.Core.MyId), RespValue.Integer(1)), reply);
        Assert.Single(host.Events("+vote-for-leader"));
    }

    [Fact]
    public void CrashAfterElectionExitsWith99()
    {
        var host = Start();
        Assert.Equal(RespValue.Ok, host.Sentinel("simulate-failure", "crash-after-election"));
        host.MasterNode().Frozen = true;
        host.RunFor(10_000);

        var exit = Assert.Single(host.EffectsOf<Exit>());
        Assert.Equal(99, exit.Code);
        Assert.Equal("+elected-leader", host.EffectsOf<PublishEvent>().Last().Channel);
        Assert.Empty(host.Events("+failover-state-select-slave"));
    }

    [Fact]
    public void ACrashSavesTheStateExitsAndIgnoresEveryLaterInput()
    {
        var host = Start();
        host.Sentinel("simulate-failure", "crash-after-election");
        host.MasterNode().Frozen = true;
        host.RunUntilEvent("+elected-leader", 10_000);

        // The host writes a drain's saves before carrying out its other effects: the save comes before the event.
        var tail = host.Effects.SkipWhile(e => e is not PublishEvent { Channel: "+elected-leader" }).Skip(1).Where(e => e is not Log).ToList();
        Assert.Equal(99, Assert.IsType<Exit>(Assert.Single(tail)).Code);
        var saved = host.Effects.TakeWhile(e => e is not Exit).OfType<PersistState>().Last();
        Assert.Equal((host.Core.MyId, 1L), (saved.State.Masters[0].Leader, saved.State.Masters[0].LeaderEpoch));
        Assert.Equal(long.MaxValue, host.Core.NextWakeMs);

        int effects = host.Effects.Count;
        host.Feed(new Tick(host.Now + 100));
        host.PublishHello($"{Peers[0].Ip},{Peers[0].Port},{Peers[0].RunId},7,mymaster,{MasterIp},{MasterPort},7");
        Assert.IsType<RespError>(host.Sentinel("failover", "mymaster"));
        Assert.Equal(effects, host.Effects.Count);
    }
    [Fact]
    public void VotesAreAskedAndCountedForTheFailoverEpochOnly()
    {
        // The peers report a vote for us in epoch 2, whatever they are asked: a vote in another election.
        SimulatedHost? host = null;
        host = Start(_ => RespValue.Array(RespValue.Integer(1), RespValue.Bulk(host!.Core.MyId), RespValue.Integer(2)));
        host.MasterNode().Frozen = true;
        host.RunUntilEvent("+try-failover", 10_000);
        Assert.Equal("1", host.Texts("+new-epoch").Single());

        // A hello raises the current epoch to 2 while our attempt in epoch 1 waits for votes.
        var (peerIp, peerPort, peerId) = Peers[0];
        host.PublishHello($"{peerIp},{peerPort},{peerId},2,mymaster,{MasterIp},{MasterPort},0");
        long raisedAt = host.Now;
        host.RunFor(12_000);

        Assert.Empty(host.Events("+elected-leader"));
        Assert.Single(host.Events("-failover-abort-not-elected"));
        var asks = host.Sends(peerIp, peerPort).Where(s => s.AtMs > raisedAt && s.Args is ["SENTINEL", "is-master-down-by-addr", ..]).ToList();
        Assert.NotEmpty(asks);
        Assert.All(asks.Where(a => a.Args[5] != "*"), a => Assert.Equal("1", a.Args[4]));
        Assert.Contains(asks, a => a.Args[5] == host.Core.MyId);
    }
    [Fact]
    public void NoFailoverStartsWithinFourPublishPeriodsOfStartingToMonitor()
    {
        var host = new SimulatedHost(ConfigOf(Master() with { DownAfterMs = 1000, FailoverTimeoutMs = 20_000 }), options: Options());
        host.AddRedis(MasterIp, MasterPort, 'm');
        host.AddRedis(ReplicaIp, ReplicaPort, 'r', (MasterIp, MasterPort));
        host.Tick(StartMs);
        foreach (var (ip, port, runId) in Peers)
        {
            host.AddNode(ip, port).IsMasterDownReply = VoteForAsker;
            host.PublishHello($"{ip},{port},{runId},0,mymaster,{MasterIp},{MasterPort},0");
        }
        host.RunFor(300);
        host.MasterNode().Frozen = true;
        host.RunFor(10_000);

        Assert.InRange(host.TimeOf("+odown")!.Value - StartMs, 1000, 3000);
        Assert.InRange(host.TimeOf("+try-failover")!.Value - StartMs, 8000, 8250);
        Assert.Empty(host.Texts("-failover-abort-no-good-slave"));
        Assert.Single(host.Texts("+promoted-slave"));
    }

    [Fact]
    public void NoFailoverStartsWithinFourPublishPeriodsOfAReset()
    {
        var host = Start(tweak: m => m with { DownAfterMs = 1000 });
        Assert.Equal(RespValue.Integer(1), host.Sentinel("reset", "mymaster"));
        long resetAt = host.Now;
        foreach (var (ip, port, runId) in Peers) host.PublishHello($"{ip},{port},{runId},0,mymaster,{MasterIp},{MasterPort},0");
        host.RunFor(300);
        host.MasterNode().Frozen = true;
        host.RunFor(10_000);

        Assert.InRange(host.TimeOf("+odown")!.Value - resetAt, 1000, 3000);
        Assert.InRange(host.TimeOf("+try-failover")!.Value - resetAt, 8000, 8250);
    }

    [Fact]
    public void AnOperatorFailoverRightAfterStartIsNotHeldBack()
    {
        var host = new SimulatedHost(ConfigOf(Master()), options: Options());
        host.AddRedis(MasterIp, MasterPort, 'm');
        host.AddRedis(ReplicaIp, ReplicaPort, 'r', (MasterIp, MasterPort));
        host.Tick(StartMs);
        host.RunFor(1000);

        Assert.Equal(RespValue.Ok, host.Sentinel("failover", "mymaster"));
        host.RunFor(500);

        Assert.Single(host.Events("+try-failover"));
        Assert.Single(host.Events("+elected-leader"));
    }
}
