using Vigil.Resp;
using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;

namespace Vigil.Sentinel.Tests;

/// <summary>
/// A peer watching several masters has one link, scheduled once: its PINGs do not recompute every master, yet each
/// master's record of the peer still goes down and comes back on time (the skipped-visit proof runs in every step).
/// </summary>
public sealed class PeerLinkScheduleTests
{
    private const string PeerIp = "10.0.0.9";
    private const int PeerPort = 7109;

    /// <summary>Two masters with different down-after (2 s and 5 s), both watched by one peer.</summary>
    private static (SimulatedHost Host, FakeNode Peer) TwoMastersOnePeer()
    {
        var host = new SimulatedHost(ConfigOf(
            Master("fast", "10.0.1.1", 7000) with { DownAfterMs = 2000 },
            Master("slow", "10.0.1.2", 7000)));
        foreach (string ip in new[] { "10.0.1.1", "10.0.1.2" }) host.AddNode(ip, 7000, MasterInfo(RunId('m')));
        var peer = host.AddNode(PeerIp, PeerPort);
        peer.SentinelRunId = PeerA;
        peer.Watches["fast"] = ("10.0.1.1", 7000);
        peer.Watches["slow"] = ("10.0.1.2", 7000);
        host.Tick(StartMs);
        host.PublishHello($"{PeerIp},{PeerPort},{PeerA},0,fast,10.0.1.1,7000,0");
        host.PublishHello($"{PeerIp},{PeerPort},{PeerA},0,slow,10.0.1.2,7000,0");
        host.RunFor(2000);
        Assert.Equal(2, host.Events("+sentinel").Count());
        return (host, peer);
    }

    private static long FirstEventAt(SimulatedHost host, string channel, string master) =>
        host.Timeline.First(e => e.Effect is PublishEvent p && p.Channel == channel && p.Message.StartsWith("sentinel ", StringComparison.Ordinal)
            && p.Message.EndsWith($"@ {master} 10.0.1.{(master == "fast" ? 1 : 2)} 7000", StringComparison.Ordinal)).AtMs;

    [Fact]
    public void AFrozenPeerGoesDownUnderEachMasterAtItsOwnDownAfterAndComesBackUnderBoth()
    {
        var (host, peer) = TwoMastersOnePeer();
        peer.Frozen = true;
        long lastAnswered = host.TimesOf(PeerIp, PeerPort, "PING").Last();
        host.RunFor(8000);

        long firstUnanswered = host.TimesOf(PeerIp, PeerPort, "PING").First(t => t > lastAnswered);
        // Each record of the peer goes SDOWN just after its own master's down-after, counted from the same PING.
        Assert.Equal(firstUnanswered + 2001, FirstEventAt(host, "+sdown", "fast"));
        Assert.Equal(firstUnanswered + 5001, FirstEventAt(host, "+sdown", "slow"));

        long thawedAt = host.Now;
        peer.Frozen = false;
        host.RunFor(3000);
        // The link was dropped by its health check meanwhile: the answer comes on a new connection, and then both
        // records come back together.
        long fastUp = FirstEventAt(host, "-sdown", "fast");
        Assert.Equal(fastUp, FirstEventAt(host, "-sdown", "slow"));
        Assert.InRange(fastUp, thawedAt, thawedAt + 2000);
    }

    [Fact]
    public void APeerThatAnswersEveryPingIsPingedFourTimesAPeriodHoweverManyMastersItWatches()
    {
        var (host, _) = TwoMastersOnePeer();
        long since = host.Now;
        host.RunFor(4000);

        // One link, one PING stream (a quarter of the ping period), not one per master.
        Assert.InRange(host.TimesOf(PeerIp, PeerPort, "PING").Count(t => t > since), 15, 17);
        Assert.Empty(host.Events("+sdown"));
    }

    [Fact]
    public void APeerSilentAcrossAReconnectComesBackUnderEveryMasterWhenItAnswersAgain()
    {
        var (host, peer) = TwoMastersOnePeer();
        // Errors prove the link alive but not the peer: the silence goes on, on a connection that stays up.
        peer.PingReply = new RespError("ERR not now");
        host.RunFor(6000);
        Assert.Equal(2, host.Events("+sdown").Count(e => e.Message.StartsWith("sentinel ", StringComparison.Ordinal)));

        // A new connection during the silence: its masters are told of the link again, still silent.
        host.DropLinksTo(PeerIp, PeerPort);
        host.RunFor(1500);
        Assert.Empty(host.Events("-sdown"));

        long answeringAt = host.Now;
        peer.PingReply = new RespSimpleString("PONG");
        host.RunFor(2000);
        // The first PONG ends both SDOWNs at once (within a PING period and its resend gap).
        long fastUp = FirstEventAt(host, "-sdown", "fast");
        Assert.InRange(fastUp, answeringAt, answeringAt + 800);
        Assert.Equal(fastUp, FirstEventAt(host, "-sdown", "slow"));
    }

    [Fact]
    public void APeerRestartedAfterBeingDownComesBackUnderEveryMaster()
    {
        var (host, peer) = TwoMastersOnePeer();
        host.Kill(peer);
        host.RunFor(7000);
        Assert.Equal(2, host.Events("+sdown").Count(e => e.Message.StartsWith("sentinel ", StringComparison.Ordinal)));

        long restartedAt = host.Now;
        peer.Up = true;
        host.RunFor(3000);
        // Reconnected within a ping period; the first PONG ends both SDOWNs at once.
        Assert.InRange(FirstEventAt(host, "-sdown", "fast"), restartedAt, restartedAt + 1500);
        Assert.Equal(FirstEventAt(host, "-sdown", "fast"), FirstEventAt(host, "-sdown", "slow"));
    }
}
