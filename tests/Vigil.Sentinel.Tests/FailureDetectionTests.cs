using Vigil.Resp;
using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;

namespace Vigil.Sentinel.Tests;

public sealed class FailureDetectionTests
{
    private const string PeerIp = "10.0.0.9";
    private const int PeerPort = 7109;

    private static SimulatedHost WithPeer(Func<IReadOnlyList<string>, RespValue> answer)
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        var peer = host.AddNode(PeerIp, PeerPort);
        peer.IsMasterDownReply = answer;
        host.PublishHello($"{PeerIp},{PeerPort},{PeerA},0,mymaster,{MasterIp},{MasterPort},0");
        host.RunFor(2000);
        return host;
    }

    private static RespValue Down(bool down) => RespValue.Array(RespValue.Integer(down ? 1 : 0), RespValue.Bulk("*"), RespValue.Integer(0));

    [Fact]
    public void SilentMasterIsSubjectivelyDownJustAfterDownAfter()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(1000);
        host.Nodes[(MasterIp, MasterPort)].Frozen = true;
        long lastAnswered = host.ProbeTimesOf(MasterIp, MasterPort).Last();
        host.RunFor(10_000);

        var firstUnanswered = host.ProbeTimesOf(MasterIp, MasterPort).First(t => t > lastAnswered);
        var sdown = Assert.Single(host.Events("+sdown"));
        Assert.Equal($"master mymaster {MasterIp} {MasterPort}", sdown.Message);
        // The host was woken exactly when down-after (5000) had passed since the first unanswered probe.
        Assert.Equal(firstUnanswered + 5001, SdownTime(host));
        Assert.Contains("s_down", Replies.Fields(host.Sentinel("master", "mymaster"))["flags"]);
    }

    [Theory]
    [InlineData(1000, 250)]
    [InlineData(2000, 250)]
    [InlineData(3999, 250)]
    [InlineData(4000, 500)]
    [InlineData(5000, 500)]
    [InlineData(8000, 1000)]
    [InlineData(30_000, 1000)]
    public void AMastersProbesComeOftenEnoughThatAFreezeIsNoticedWithinAnEighthOfDownAfterOrAQuarterPeriod(long downAfter, long period)
    {
        var config = ConfigOf(Master() with { DownAfterMs = downAfter });
        var host = HostExtensions.StartedWithMasterAndReplica(config);
        host.RunFor(3000);
        long since = host.Now;
        host.RunFor(4000);
        // A probe (a PING, or a hello in its place) to the master every period; the replica's once a second.
        Assert.InRange(host.ProbeTimesOf(MasterIp, MasterPort).Count(t => t > since), 4000 / period - 1, 4000 / period + 1);
        Assert.InRange(host.ProbeTimesOf(ReplicaIp, ReplicaPort).Count(t => t > since), 3, 5);

        for (long freezeOffset = 0; freezeOffset < period + 10; freezeOffset += period / 7)
        {
            var h = HostExtensions.StartedWithMasterAndReplica(config);
            h.RunFor(3000 + freezeOffset);
            long frozenAt = h.Now;
            h.Nodes[(MasterIp, MasterPort)].Frozen = true;
            h.RunUntilEvent("+sdown", downAfter + 2000);
            // Silence counts from the first unanswered probe, which left at most a period (and the tick) after the freeze.
            Assert.InRange(SdownTime(h) - frozenAt, downAfter + 1, downAfter + 1 + period + 2);
        }
    }

    [Fact]
    public void OnlyAnsweredProbesProveAMasterAliveAndARefusedPingOutweighsAnsweredInfoAndHellos()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        var master = host.Nodes[(MasterIp, MasterPort)];
        master.RefusedCommands.UnionWith(["INFO", "PUBLISH"]);
        host.RunFor(3000);
        long since = host.Now;
        host.RunFor(20_000);
        Assert.Empty(host.Events("+sdown"));
        // Each refused INFO or hello has a PING in its slot or half a period later (not a slot later), which is answered.
        var refused = host.Sends(MasterIp, MasterPort).Where(s => s.AtMs > since && s.AtMs < host.Now - 500 && s.Args[0] is "INFO" or "PUBLISH").Select(s => s.AtMs).ToList();
        Assert.NotEmpty(refused);
        var pings = host.TimesOf(MasterIp, MasterPort, "PING");
        Assert.All(refused, t => Assert.Contains(pings, p => p >= t && p <= t + 500));

        // A master that refuses PING while it still runs INFO and PUBLISH (Redis answers PING with -MISCONF when it
        // cannot write its snapshot) is SDOWN after down-after, as in the reference: once a PING is refused, no INFO or
        // hello proves the master alive until a PING is answered again.
        master.RefusedCommands.Clear();
        long refusedFrom = host.Now;
        master.PingReply = new RespError("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk");
        host.RunUntilEvent("+sdown", 10_000);
        Assert.Single(host.Events("+sdown"));
        Assert.InRange(SdownTime(host) - refusedFrom, 5000, 5000 + 1000 + 2);
        master.PingReply = new RespSimpleString("PONG");
        host.RunUntilEvent("-sdown", 3000);
        Assert.Single(host.Events("-sdown"));
    }

    [Fact]
    public void WhileAProbeIsUnansweredPingsAreResentAtTheReferencesPace()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(3000);
        long frozenAt = host.Now;
        host.Nodes[(MasterIp, MasterPort)].Frozen = true;
        host.RunFor(8000);
        // Every 500 ms (half the ping period), neither every slot nor less often.
        int unanswered = host.TimesOf(MasterIp, MasterPort, "PING").Count(t => t > frozenAt);
        Assert.InRange(unanswered, 8000 / 500 - 2, 8000 / 500 + 1);
    }

    private static long SdownTime(SimulatedHost host)
    {
        long s = long.Parse(Replies.Fields(host.Sentinel("master", "mymaster"))["s-down-time"], System.Globalization.CultureInfo.InvariantCulture);
        return host.Now - s;
    }

    [Fact]
    public void MasterAnsweringAgainLeavesSdown()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(1000);
        host.Nodes[(MasterIp, MasterPort)].Frozen = true;
        host.RunFor(8000);
        host.Nodes[(MasterIp, MasterPort)].Frozen = false;
        host.RunFor(2000);

        Assert.Single(host.Events("+sdown"));
        Assert.Equal($"master mymaster {MasterIp} {MasterPort}", Assert.Single(host.Events("-sdown")).Message);
        Assert.DoesNotContain("s_down", Replies.Fields(host.Sentinel("master", "mymaster"))["flags"]);
    }

    [Fact]
    public void KilledMasterStaysSdownWhileReconnectsFail()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(1000);
        long lastAnswered = host.TimesOf(MasterIp, MasterPort, "PING").Last();
        // Killed most of a PING period after its last answer, with no PING outstanding.
        host.RunFor(lastAnswered + 200 - host.Now);
        Assert.Equal(lastAnswered, host.TimesOf(MasterIp, MasterPort, "PING").Last());
        host.Nodes[(MasterIp, MasterPort)].Up = false;
        host.DropLinksTo(MasterIp, MasterPort);
        host.RunFor(12_000);

        // Silence counts from the last valid reply; the reconnect attempts (one a second, all refused) restart nothing,
        // so SDOWN neither waits for them nor ends at one of them (the reference's clock restarts at a reconnect).
        Assert.Single(host.Events("+sdown"));
        Assert.Empty(host.Events("-sdown"));
        Assert.InRange(SdownTime(host) - lastAnswered, 5001, 5001 + 20);
    }

    [Fact]
    public void UnreachableReplicaGoesSdownToo()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(1000);
        host.Nodes[(ReplicaIp, ReplicaPort)].Up = false;
        host.DropLinksTo(ReplicaIp, ReplicaPort);
        host.RunFor(7000);

        var sdown = Assert.Single(host.Events("+sdown"));
        Assert.StartsWith($"slave {ReplicaIp}:{ReplicaPort}", sdown.Message);
        var replica = Replies.Fields(Replies.Items(host.Sentinel("replicas", "mymaster")).Single());
        Assert.Equal("s_down,slave,disconnected", replica["flags"]);
    }

    [Fact]
    public void MasterClaimingToBeReplicaIsSdownAfterDownAfterPlusTwoInfoPeriods()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(100);
        host.Nodes[(MasterIp, MasterPort)].Info = ReplicaInfo(RunId('m'), "10.0.0.7", 7007);
        host.RunFor(10_000); // next INFO at +10002 reports role:slave
        host.RunFor(24_000);
        // 10.0.0.7, the node it claims to follow, is learned as a replica and (being absent) goes SDOWN itself.
        Assert.DoesNotContain(host.Events("+sdown"), e => e.Message.StartsWith("master ", StringComparison.Ordinal));
        host.RunFor(2000);
        Assert.Single(host.Events("+sdown"), e => e.Message.StartsWith("master ", StringComparison.Ordinal));
    }

    [Fact]
    public void RebootedMasterStuckLoadingIsSdownAfterTheRebootPeriod()
    {
        var config = ConfigOf(Master() with { MasterRebootDownAfterPeriodMs = 3000 });
        var host = new SimulatedHost(config);
        var master = host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m')));
        host.RunFor(100);
        master.Info = MasterInfo(RunId('n'));
        master.PingReply = new RespError("LOADING Redis is loading the dataset in memory");
        host.RunFor(10_000); // INFO at +10002 shows the new run id
        Assert.Single(host.Events("+reboot"));
        Assert.Empty(host.Events("+sdown"));
        host.RunFor(3100);
        Assert.Single(host.Events("+sdown"));

        master.PingReply = new RespSimpleString("PONG");
        host.RunFor(1100);
        Assert.Single(host.Events("-sdown"));
    }

    [Fact]
    public void PeersAreAskedAsSoonAsTheMasterIsSdownThenOncePerSecond()
    {
        var host = WithPeer(_ => Down(false));
        host.Nodes[(MasterIp, MasterPort)].Frozen = true;
        host.RunFor(9000);

        var asks = host.Sends(PeerIp, PeerPort).Where(s => IsAsk(s.Args)).ToList();
        Assert.NotEmpty(asks);
        Assert.Equal(["SENTINEL", "is-master-down-by-addr", MasterIp, MasterPort.ToString(), "0", "*"], asks[0].Args);
        long sdownAt = host.Now - long.Parse(Replies.Fields(host.Sentinel("master", "mymaster"))["s-down-time"]);
        Assert.Equal(sdownAt, asks[0].AtMs);
        Assert.All(asks.Zip(asks.Skip(1)), p => Assert.Equal(1000, p.Second.AtMs - p.First.AtMs));
    }

    [Fact]
    public void APeersQuestionPromptsAnAskBackOfPeersThatSaidNotDown()
    {
        bool peerSeesItDown = false;
        var host = WithPeer(_ => Down(peerSeesItDown));
        host.Nodes[(MasterIp, MasterPort)].Frozen = true;
        host.RunUntilEvent("+sdown", 10_000);
        // The peer reaches SDOWN a few milliseconds after us: its question follows ours closely.
        host.RunFor(10);
        Assert.Single(host.Sends(PeerIp, PeerPort), s => IsAsk(s.Args));

        // The peer reaches SDOWN a moment later and asks us: we ask it again at once instead of an ask period later,
        // and reach ODOWN with its answer.
        peerSeesItDown = true;
        long askedUsAt = host.Now;
        host.Sentinel("is-master-down-by-addr", MasterIp, MasterPort.ToString(), "0", "*");
        host.RunFor(50);

        var asks = host.Sends(PeerIp, PeerPort).Where(s => IsAsk(s.Args)).ToList();
        Assert.Equal(2, asks.Count);
        Assert.InRange(asks[1].AtMs - askedUsAt, 0, 2);
        Assert.Single(host.Events("+odown"));

        // A stream of such prompts asks a peer that already said "down" no more than the ask period allows.
        for (int i = 0; i < 5; i++)
        {
            host.Sentinel("is-master-down-by-addr", MasterIp, MasterPort.ToString(), "0", "*");
            host.RunFor(20);
        }
        Assert.Equal(2, host.Sends(PeerIp, PeerPort).Count(s => IsAsk(s.Args) && s.AtMs < askedUsAt + 900));
    }

    [Fact]
    public void APromptThatCrossesOurQuestionAsksThatPeerBackOnceItsAnswerIsIn()
    {
        // Both reach SDOWN within milliseconds: our question reaches the peer before its own SDOWN, so it answers "not
        // down", while its question reaches us while ours is still out. Its answer is older than its prompt, so the
        // peer is asked back as soon as the answer is in, not an ask period later.
        int answers = 0;
        var host = WithPeer(_ => Down(answers++ > 0));
        var peerNode = host.Nodes[(PeerIp, PeerPort)];
        host.Nodes[(MasterIp, MasterPort)].Frozen = true;
        long frozenAt = host.Now;
        host.RunFor(1000);
        // The peer freezes 350 ms before our SDOWN (down-after from the first unanswered probe).
        host.RunFor(host.ProbeTimesOf(MasterIp, MasterPort).First(t => t > frozenAt) + 5000 - 350 - host.Now);
        Assert.Empty(host.Events("+sdown"));
        peerNode.Frozen = true; // not long enough for its link to be given up
        host.RunUntilEvent("+sdown", 1000);
        host.RunFor(5);
        host.Sentinel("is-master-down-by-addr", MasterIp, MasterPort.ToString(), "0", "*");
        host.RunFor(5);
        Assert.Single(host.Sends(PeerIp, PeerPort), s => IsAsk(s.Args));

        peerNode.Frozen = false;
        host.RunFor(400); // the fake node answers its backlog at the core's next wake

        var asks = host.Sends(PeerIp, PeerPort).Where(s => IsAsk(s.Args)).ToList();
        Assert.Equal(2, asks.Count);
        Assert.Equal(2, answers);
        Assert.InRange(asks[1].AtMs - asks[0].AtMs, 0, 400); // not an ask period (1 s) later
        Assert.Single(host.Events("+odown"));
    }

    [Fact]
    public void NoAsksWhileTheMasterIsHealthy()
    {
        var host = WithPeer(_ => Down(true));
        host.RunFor(10_000);

        Assert.DoesNotContain(host.CommandsTo(PeerIp, PeerPort), IsAsk);
        Assert.Empty(host.Events("+odown"));
    }

    [Fact]
    public void OdownWhenEnoughPeersAgree()
    {
        var host = WithPeer(_ => Down(true));
        host.Nodes[(MasterIp, MasterPort)].Frozen = true;
        host.RunFor(8000);

        var odown = Assert.Single(host.Events("+odown"));
        Assert.Equal($"master mymaster {MasterIp} {MasterPort} #quorum 2/2", odown.Message);
        // ODOWN starts a failover too (failover_in_progress follows).
        Assert.StartsWith("s_down,o_down,master", Replies.Fields(host.Sentinel("master", "mymaster"))["flags"]);
        var peer = Replies.Fields(Replies.Items(host.Sentinel("sentinels", "mymaster")).Single());
        Assert.Equal("sentinel,master_down", peer["flags"]);
        Assert.Contains("master0:name=mymaster,status=odown,", host.InfoSentinelSection());
    }

    [Fact]
    public void OdownEndsWhenThePeersAnswerExpires()
    {
        var host = WithPeer(_ => Down(true));
        var peerNode = host.Nodes[(PeerIp, PeerPort)];
        host.Nodes[(MasterIp, MasterPort)].Frozen = true;
        host.RunFor(8000);
        Assert.Single(host.Events("+odown"));

        peerNode.Frozen = true; // answers stop; the last "down" expires after 5 ask periods
        host.RunFor(4000);
        Assert.Empty(host.Events("-odown"));
        host.RunFor(2000);
        Assert.Equal($"master mymaster {MasterIp} {MasterPort}", Assert.Single(host.Events("-odown")).Message);
    }

    [Fact]
    public void AnAnswerHeldBackByAStalledLinkIsAsOldAsItsQuestion()
    {
        // The peer saw the master down when asked; its answer reaches us six seconds later, when it no longer does.
        // Dated by its arrival it would look fresh and make an ODOWN nobody sees (seed 115848).
        bool peerSeesDown = true;
        var host = WithPeer(_ => Down(peerSeesDown));
        host.Nodes[(MasterIp, MasterPort)].Frozen = true;
        host.RunFor(4900);
        host.HoldReplies = true;
        host.RunUntilEvent("+sdown", 2000);
        Assert.Contains(host.CommandsTo(PeerIp, PeerPort), a => a is ["SENTINEL", "is-master-down-by-addr", ..]);
        host.RunFor(6000);

        peerSeesDown = false;
        Assert.NotEmpty(host.LinksTo(PeerIp, PeerPort, LinkRole.Command)); // the held answer is still to come
        host.HoldReplies = false;
        host.DeliverReplies();
        host.RunFor(3000);

        Assert.Empty(host.Events("+odown"));
    }

    [Fact]
    public void QuorumNotReachedMeansNoOdown()
    {
        var host = WithPeer(_ => Down(false));
        host.Nodes[(MasterIp, MasterPort)].Frozen = true;
        host.RunFor(10_000);

        Assert.Single(host.Events("+sdown"));
        Assert.Empty(host.Events("+odown"));
    }

    [Fact]
    public void MalformedPeerAnswersAreIgnored()
    {
        var host = WithPeer(_ => RespValue.Array(RespValue.Bulk("1"), RespValue.Bulk("*"), RespValue.Integer(0)));
        host.Nodes[(MasterIp, MasterPort)].Frozen = true;
        host.RunFor(10_000);

        Assert.Empty(host.Events("+odown"));
    }

    [Fact]
    public void PeerAnsweringErrorsIsAskedOncePerAskPeriod()
    {
        var host = WithPeer(_ => new RespError("NOAUTH Authentication required."));
        host.Nodes[(MasterIp, MasterPort)].Frozen = true;
        host.RunFor(10_000);

        var asks = host.Sends(PeerIp, PeerPort).Where(s => IsAsk(s.Args)).Select(s => s.AtMs).ToList();
        Assert.InRange(asks.Count, 4, 6);
        Assert.All(asks.Zip(asks.Skip(1)), p => Assert.Equal(1000, p.Second - p.First));
    }

    [Fact]
    public void StuckCommandConnectionIsDroppedByLinkHealth()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(1000);
        host.Nodes[(MasterIp, MasterPort)].Frozen = true;
        host.RunFor(16_000);

        Assert.Contains(host.EffectsOf<CloseLink>(), c => c.Link.Value == 1);
        Assert.True(host.EffectsOf<OpenLink>().Count(o => o.Host == MasterIp && o.Role == LinkRole.Command) >= 2);
    }

    [Fact]
    public void SilentPubSubConnectionIsDropped()
    {
        var host = new SimulatedHost();
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m')));
        host.Tick(StartMs);
        // Our hellos do not come back (the node drops publishes): the pub/sub link hears nothing.
        host.Nodes[(MasterIp, MasterPort)].Info = null;
        host.RunFor(16_000);

        var pubsub = host.EffectsOf<OpenLink>().First(o => o.Role == LinkRole.PubSub).Link;
        Assert.Contains(host.EffectsOf<CloseLink>(), c => c.Link == pubsub);
    }

    private static bool IsAsk(IReadOnlyList<string> args) => args is ["SENTINEL", "is-master-down-by-addr", ..];
}
