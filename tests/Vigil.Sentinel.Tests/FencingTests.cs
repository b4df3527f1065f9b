using Vigil.Resp;
using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;

namespace Vigil.Sentinel.Tests;

/// <summary>Minority write fencing and flap damping, three cores and modelled Redis nodes behind a partition.</summary>
public sealed class FencingTests
{
    private const string Replica2Ip = "10.0.0.3";
    private const int Replica2Port = 7003;

    private static SentinelNetwork Group(Func<Vigil.Sentinel.Config.MasterConfig, Vigil.Sentinel.Config.MasterConfig>? tweak = null)
    {
        var network = new SentinelNetwork();
        network.AddRedis(MasterIp, MasterPort, 'm');
        network.AddRedis(ReplicaIp, ReplicaPort, 'r', (MasterIp, MasterPort));
        network.AddRedis(Replica2Ip, Replica2Port, 's', (MasterIp, MasterPort));
        var master = Master() with { DownAfterMs = 2000, FailoverTimeoutMs = 20_000 };
        if (tweak is not null) master = tweak(master);
        for (int i = 0; i < 3; i++) network.AddSentinel($"10.0.1.{i + 1}", 7201 + i, ConfigOf(master), seed: 100 + i);
        network.RunFor(12_000);
        return network;
    }

    private static FakeNode OldMaster(SentinelNetwork network) => network.Nodes[(MasterIp, MasterPort)];

    /// <summary>Sentinel 0 and the master on one side; sentinels 1, 2 and both replicas on the other.</summary>
    private static void CutMasterBox(SentinelNetwork network)
    {
        bool SideA(int core) => core == 0;
        bool NodeSideA(FakeNode node) => node.Ip == MasterIp;
        network.Blocked = (core, node, peer) => node is not null ? SideA(core) != NodeSideA(node) : SideA(core) != SideA(peer!.Value);
        foreach (var replica in network.Nodes.Values.Where(n => n.Ip != MasterIp)) replica.Model!.AckLagSeconds = 30;
    }

    /// <summary>Sentinel 0 reaches only the master; everything else still reaches everything.</summary>
    private static bool SentinelZeroAlone(int core, FakeNode? node, int? peer) =>
        core == 0 ? (node is null || node.Ip != MasterIp) : peer == 0;

    private static void Heal(SentinelNetwork network)
    {
        network.Blocked = null;
        foreach (var node in network.Nodes.Values) node.Model!.AckLagSeconds = 0;
    }

    [Fact]
    public void SentinelCutOffWithTheMasterAndNoReplicaPausesItsWritesBeforeTheMajorityPromotes()
    {
        var network = Group();
        CutMasterBox(network);
        long engagedAfter = -1;
        for (long t = 100; t <= 6000; t += 100)
        {
            network.RunFor(100);
            if (engagedAfter < 0 && network.Events(0, "+fence").Any()) engagedAfter = t;
        }

        Assert.InRange(engagedAfter, 1, 2000); // before down-after: the majority cannot have promoted yet
        Assert.Contains("CLIENT PAUSE 2000 WRITE", OldMaster(network).Model!.PauseCommands);
        Assert.True(OldMaster(network).Model!.WritesPaused);
        Assert.Contains("lost contact with the majority of 3 sentinels", Assert.Single(network.Events(0, "+fence")).Message);
        // The lease is renewed while the conditions hold.
        Assert.True(OldMaster(network).Model!.PauseCommands.Count(c => c.StartsWith("CLIENT PAUSE", StringComparison.Ordinal)) >= 5);
        Assert.Empty(network.Events(1, "+fence"));
        Assert.Empty(network.Events(2, "+fence"));
        Assert.True(network.Events(1, "+switch-master").Any() || network.Events(2, "+switch-master").Any(), "the majority failed over");

        // After the heal the cut-off sentinel learns the new master; the old one is not unpaused but demoted.
        Heal(network);
        network.RunFor(5000);
        Assert.Single(network.Events(0, "+switch-master"));
        Assert.Contains("the master switched", Assert.Single(network.Events(0, "-fence")).Message);
        Assert.DoesNotContain("CLIENT UNPAUSE", OldMaster(network).Model!.PauseCommands);
        Assert.False(OldMaster(network).Model!.IsMaster);
    }

    [Fact]
    public void TheAcknowledgementProbeFencesBeforeTheMastersInfoShowsAnyLag()
    {
        var network = Group();
        CutMasterBox(network);
        // The master's INFO still reports its replicas' last acknowledgements as recent; only WAIT tells the truth.
        foreach (var replica in network.Nodes.Values.Where(n => n.Ip != MasterIp)) replica.Model!.AckLagSeconds = 0;
        OldMaster(network).Model!.WaitAnswer = () => RespValue.Integer(0);
        long engagedAfter = -1;
        for (long t = 50; t <= 3000 && engagedAfter < 0; t += 50)
        {
            network.RunFor(50);
            if (network.Events(0, "+fence").Any()) engagedAfter = t;
        }

        // Contact is lost a quarter of down-after (500 ms) after a PING goes unanswered, and pings go every 500 ms.
        Assert.InRange(engagedAfter, 1, 1100);
        Assert.Contains("no replica acknowledged within 200 ms", Assert.Single(network.Events(0, "+fence")).Message);
        var probes = OldMaster(network).Received.Where(c => c[0] == "WAIT").ToList();
        Assert.NotEmpty(probes);
        Assert.All(probes, c => Assert.Equal(["WAIT", "1", "200"], c));
        Assert.Contains(OldMaster(network).Received, c => c is ["PUBLISH", "__sentinel__:fence-probe", _]);
    }

    [Fact]
    public void AProbeThatFindsAnAcknowledgingReplicaKeepsTheFenceOff()
    {
        var network = Group();
        CutMasterBox(network);
        // INFO says the replicas are gone, but a replica acknowledges the probe: the INFO older than that answer loses.
        OldMaster(network).Model!.WaitAnswer = () => RespValue.Integer(1);
        network.RunFor(1500);

        Assert.Empty(network.Events(0, "+fence"));
    }

    [Fact]
    public void AMasterThatRefusesTheProbeIsFencedOnItsInfoAlone()
    {
        var network = Group();
        CutMasterBox(network);
        OldMaster(network).Model!.WaitAnswer = () => new RespError("NOPERM User sentinel has no permissions to run the 'wait' command");
        network.RunFor(6000);

        Assert.Contains("no replica acknowledged within 1 s", Assert.Single(network.Events(0, "+fence")).Message);
        Assert.Single(OldMaster(network).Received, c => c[0] == "WAIT");
    }

    [Fact]
    public void SentinelCutOffAloneWhileTheMasterKeepsItsReplicasDoesNotFence()
    {
        var network = Group();
        // Sentinel 0 reaches only the master; everything else still reaches everything.
        network.Blocked = SentinelZeroAlone;
        network.RunFor(10_000);

        Assert.All(Enumerable.Range(0, 3), i => Assert.Empty(network.Events(i, "+fence")));
        Assert.Empty(OldMaster(network).Model!.PauseCommands);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Empty(network.Events(i, "+switch-master")));
    }

    [Fact]
    public void ShortCutIsUnfencedOnceTheMajorityAnswersAndStillNamesTheMaster()
    {
        // Damping would not matter here; a long down-after keeps the majority from failing over during the cut.
        var network = Group(m => m with { DownAfterMs = 8000 });
        CutMasterBox(network);
        // Long enough for link health to drop the silent connections (PING unanswered for down-after/2, connection
        // older than 15 s), as a real partition does: the simulated one loses the commands sent into it on open
        // connections, so replies after the heal would answer the wrong commands on a connection kept.
        network.RunFor(5500);
        Assert.Single(network.Events(0, "+fence"));
        Assert.True(OldMaster(network).Model!.WritesPaused);

        // One replica still lags after the heal: only the majority's hellos can lift the fence.
        Heal(network);
        network.Nodes[(ReplicaIp, ReplicaPort)].Model!.AckLagSeconds = 30;
        network.RunFor(6000);
        Assert.Contains("the majority is reachable and still names this master", Assert.Single(network.Events(0, "-fence")).Message);
        Assert.Equal("CLIENT UNPAUSE", OldMaster(network).Model!.PauseCommands[^1]);
        Assert.False(OldMaster(network).Model!.WritesPaused);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Empty(network.Events(i, "+switch-master")));
    }

    [Fact]
    public void FenceIsLiftedWhenEveryReplicaAcknowledgesAgainEvenIfTheSentinelStaysCutOff()
    {
        var network = Group(m => m with { DownAfterMs = 8000 });
        CutMasterBox(network);
        // Long enough for link health to drop the silent connections (PING unanswered for down-after/2, connection
        // older than 15 s), as a real partition does: the simulated one loses the commands sent into it on open
        // connections, so replies after the heal would answer the wrong commands on a connection kept.
        network.RunFor(5500);
        Assert.Single(network.Events(0, "+fence"));

        // The master's links heal; sentinel 0 stays cut off from everything but the master.
        foreach (var node in network.Nodes.Values) node.Model!.AckLagSeconds = 0;
        network.Blocked = SentinelZeroAlone;
        network.RunFor(1000);
        Assert.Contains("every replica acknowledges again", Assert.Single(network.Events(0, "-fence")).Message);
        Assert.False(OldMaster(network).Model!.WritesPaused);
        network.RunFor(3000);
        Assert.Single(network.Events(0, "+fence")); // and it does not fence again while they do
    }

    [Fact]
    public void FenceWritesNoTurnsFencingOff()
    {
        var network = Group(m => m with { FenceWrites = false });
        CutMasterBox(network);
        network.RunFor(6000);
        Assert.Empty(network.Events(0, "+fence"));
        Assert.Empty(OldMaster(network).Model!.PauseCommands);
    }

    [Fact]
    public void SentinelSetFenceWritesNoLiftsAnEngagedFence()
    {
        var network = Group();
        CutMasterBox(network);
        network.RunFor(3000);
        Assert.Single(network.Events(0, "+fence"));
        Assert.Equal("OK", Replies.Text(network.Sentinel(0, "set", "mymaster", "fence-writes", "no")));
        network.RunFor(1000);
        Assert.Contains("fence-writes turned off", Assert.Single(network.Events(0, "-fence")).Message);
        Assert.Equal("CLIENT UNPAUSE", OldMaster(network).Model!.PauseCommands[^1]);
    }

    [Fact]
    public void SecondFailoverWithinTheDampingWindowNeedsTheMasterDownTwiceAsLong()
    {
        var network = Group();
        OldMaster(network).Frozen = true;
        network.RunFor(10_000);
        var first = network.Events(0, "+switch-master").Single().Message.Split(' ');
        var promoted = network.Nodes[(first[3], int.Parse(first[4], System.Globalization.CultureInfo.InvariantCulture))];

        // Down for 3 s (more than down-after 2 s, less than twice it): no failover, and the sentinels say why.
        promoted.Frozen = true;
        network.RunFor(3000);
        promoted.Frozen = false;
        network.RunFor(3000);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Single(network.Events(i, "+switch-master")));
        Assert.Contains(Enumerable.Range(0, 3), i => network.Events(i, "+failover-damped").Any());
        Assert.Contains("waiting until the master is down for 4000 ms",
            Enumerable.Range(0, 3).SelectMany(i => network.Events(i, "+failover-damped")).First().Message);

        // Down for longer than that: it fails over.
        promoted.Frozen = true;
        network.RunFor(15_000);
        Assert.Contains(Enumerable.Range(0, 3), i => network.Events(i, "+switch-master").Count() == 2);
    }

    [Fact]
    public void DampingEndsWhenTheLastFailoverLeavesTheWindowEvenMidHold()
    {
        var network = Group(m => m with { FailoverDampingMs = 14_600, FailoverTimeoutMs = 5_000 });
        OldMaster(network).Frozen = true;
        long switchedAt = RunUntil(network, 10_000, () => network.Events(0, "+switch-master").Any());
        var first = network.Events(0, "+switch-master").Single().Message.Split(' ');
        var promoted = network.Nodes[(first[3], int.Parse(first[4], System.Globalization.CultureInfo.InvariantCulture))];

        // SDOWN about 13 s after the switch: one failover in the window holds the start until SDOWN + down-after (about
        // 15 s after the switch), but the switch leaves the 14.6 s window before that, and then nothing holds it back.
        network.RunFor(switchedAt + 11_000 - network.Now);
        promoted.Frozen = true;
        long sdownAt = RunUntil(network, 5_000, () => Enumerable.Range(0, 3).Any(i =>
            network.Events(i, "+sdown").Any(e => e.Message.StartsWith("master", StringComparison.Ordinal) && e.Message.Contains(first[3], StringComparison.Ordinal))));
        long secondTryAt = RunUntil(network, 10_000, () => Enumerable.Range(0, 3).Any(i =>
            network.Events(i, "+try-failover").Any(e => e.Message.Contains(first[3], StringComparison.Ordinal))));

        Assert.Contains(Enumerable.Range(0, 3), i => network.Events(i, "+failover-damped").Any());

        // Within an election slot of the window's end (the lowest run id waits a quarter slot at most), well before the
        // hold's end; a start found only by the once-a-second visit of every master comes 230 ms after the window's end here.
        Assert.InRange(secondTryAt, switchedAt + 14_500, switchedAt + 14_600 + 100);
        Assert.True(secondTryAt < sdownAt + 2_000);
    }

    /// <summary>Runs in steps of 10 ms until the condition holds; the network time it first held at.</summary>
    private static long RunUntil(SentinelNetwork network, long deadlineMs, Func<bool> condition)
    {
        for (long waited = 0; waited <= deadlineMs; waited += 10)
        {
            if (condition()) return network.Now;
            network.RunFor(10);
        }
        throw new Xunit.Sdk.XunitException($"not reached within {deadlineMs} ms");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RestartedSentinelsKeepTheirDampingHistoryWhenTheHostGivesAWallClock(bool wallClock)
    {
        var network = Group();
        if (!wallClock) network.WallOriginMs = 0;
        OldMaster(network).Frozen = true;
        network.RunFor(10_000);
        var first = network.Events(0, "+switch-master").Single().Message.Split(' ');
        var promoted = network.Nodes[(first[3], int.Parse(first[4], System.Globalization.CultureInfo.InvariantCulture))];
        network.RunFor(2000);
        for (int i = 0; i < 3; i++) network.RestartSentinel(i, seed: 200 + i);
        network.RunFor(8000);

        // Down for 3 s: more than down-after, less than twice it.
        promoted.Frozen = true;
        network.RunFor(3000);
        promoted.Frozen = false;
        network.RunFor(3000);
        bool failedOver = Enumerable.Range(0, 3).Any(i => network.Events(i, "+switch-master").Any());
        bool damped = Enumerable.Range(0, 3).Any(i => network.Events(i, "+failover-damped").Any());
        Assert.Equal(!wallClock, failedOver);
        Assert.Equal(wallClock, damped);
    }

    [Fact]
    public void SavedFailoversAreDatedByTheWallClockAndRestoredOnTheNewMonotonicClock()
    {
        var network = Group();
        OldMaster(network).Frozen = true;
        network.RunFor(10_000);
        long switchedAt = network.Now;
        var saved = network.Members[1].Effects.OfType<PersistState>().Last().State.Masters.Single();
        long wall = Assert.Single(saved.RecentFailovers);
        // Dated on the wall clock: within the 10 s the failover took, after the group's start.
        Assert.InRange(wall - network.WallOriginMs, 0, switchedAt - Fixtures.StartMs);
    }

    [Fact]
    public void SentinelFailoverIsNeverDamped()
    {
        var network = Group();
        OldMaster(network).Frozen = true;
        network.RunFor(10_000);
        Assert.Single(network.Events(0, "+switch-master"));
        OldMaster(network).Frozen = false;
        network.RunFor(3000);

        Assert.Equal("OK", Replies.Text(network.Sentinel(0, "failover", "mymaster")));
        network.RunFor(10_000);
        Assert.Equal(2, network.Events(0, "+switch-master").Count());
        Assert.Empty(network.Events(0, "+failover-damped"));
    }

    [Fact]
    public void DampingSettingIsValidatedAndZeroTurnsItOff()
    {
        var network = Group(m => m with { FailoverDampingMs = 0 });
        Assert.StartsWith("ERR Invalid argument '-5' for SENTINEL SET 'failover-damping'",
            Replies.Text(network.Sentinel(0, "set", "mymaster", "failover-damping", "-5")));
        Assert.StartsWith("ERR Invalid argument 'maybe' for SENTINEL SET 'fence-writes'",
            Replies.Text(network.Sentinel(0, "set", "mymaster", "fence-writes", "maybe")));

        OldMaster(network).Frozen = true;
        network.RunFor(10_000);
        var first = network.Events(0, "+switch-master").Single().Message.Split(' ');
        var promoted = network.Nodes[(first[3], int.Parse(first[4], System.Globalization.CultureInfo.InvariantCulture))];
        promoted.Frozen = true;
        network.RunFor(10_000);
        Assert.Contains(Enumerable.Range(0, 3), i => network.Events(i, "+switch-master").Count() == 2);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Empty(network.Events(i, "+failover-damped")));
    }
}
