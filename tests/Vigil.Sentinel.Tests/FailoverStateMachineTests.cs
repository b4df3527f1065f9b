using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;
using static Vigil.Sentinel.Tests.Support.FailoverFixture;

namespace Vigil.Sentinel.Tests;

public sealed class FailoverStateMachineTests
{
    private static FakeNode Replica(SimulatedHost host) => host.Nodes[(ReplicaIp, ReplicaPort)];
    private static FakeNode Replica2(SimulatedHost host) => host.Nodes[(Replica2Ip, Replica2Port)];

    private static string Selected(SimulatedHost host)
    {
        host.MasterNode().Frozen = true;
        host.RunFor(12_000);
        return Assert.Single(host.Texts("+selected-slave"));
    }

    private static string SlaveText(string ip, int port) => $"slave {ip}:{port} {ip} {port} @ mymaster {MasterIp} 7001";

    [Fact]
    public void AMovedReplicaIsPolledRightAfterItsSlaveofThenEvery100MsUntilItsLinkIsUp()
    {
        var host = Start();
        Replica(host).Model!.Priority = 10; // promoted; Replica2 is the one moved
        host.RunFor(1000);
        var moved = Replica2(host);
        host.MasterNode().Frozen = true;
        host.RunUntilEvent("+promoted-slave", 15_000);
        moved.Model!.NeverLinked = true; // its sync with the promoted replica takes a while
        host.RunUntilEvent("+slave-reconf-sent", 1000);
        long sentAt = host.Now;

        // INFO goes out right behind the transaction: the reply shows the new master, link still down.
        var sends = host.Sends(Replica2Ip, Replica2Port).Where(s => s.AtMs == sentAt).Select(s => s.Args[0]).ToList();
        Assert.Equal("INFO", sends[sends.IndexOf("EXEC") + 1]);
        Assert.Equal(sentAt, host.TimeOf("+slave-reconf-inprog"));

        host.RunFor(450);
        Assert.Empty(host.Events("+slave-reconf-done"));
        var polls = host.TimesOf(Replica2Ip, Replica2Port, "INFO").Where(t => t > sentAt).ToList();
        Assert.InRange(polls.Count, 4, 5);
        Assert.All(polls.Zip(polls.Skip(1)), p => Assert.InRange(p.Second - p.First, 100, 102));

        moved.Model.NeverLinked = false;
        long linkedAt = host.Now;
        host.RunUntilEvent("+switch-master", 1000);
        Assert.InRange(host.TimeOf("+slave-reconf-done")!.Value - linkedAt, 0, 102);
        Assert.InRange(host.Now - linkedAt, 0, 105);

        // Once done, the replica is back to the ordinary INFO period.
        long doneAt = host.Now;
        host.RunFor(2000);
        Assert.InRange(host.TimesOf(Replica2Ip, Replica2Port, "INFO").Count(t => t > doneAt), 0, 2);
    }

    [Fact]
    public void LowerPriorityIsPromotedFirst()
    {
        var host = Start();
        Replica(host).Model!.Priority = 50;
        Replica2(host).Model!.Priority = 10;
        Replica(host).Model!.Offset = 5000;
        host.RunFor(11_000);

        Assert.Equal(SlaveText(Replica2Ip, Replica2Port), Selected(host));
    }

    [Fact]
    public void WithEqualPriorityTheLargerOffsetIsPromoted()
    {
        var host = Start();
        host.MasterNode().Model!.Offset = 1000;
        Replica(host).Model!.LagBytes = 100;
        host.RunFor(11_000);

        Assert.Equal(SlaveText(Replica2Ip, Replica2Port), Selected(host));
    }

    [Fact]
    public void WithEqualPriorityAndOffsetTheSmallerRunIdIsPromoted()
    {
        var host = Start();
        Replica(host).Model!.RunId = RunId('z');
        host.RunFor(11_000);

        Assert.Equal(SlaveText(Replica2Ip, Replica2Port), Selected(host));
    }

    [Fact]
    public void PriorityZeroIsNeverPromoted()
    {
        var host = Start();
        Replica(host).Model!.Priority = 0;
        Replica2(host).Model!.Priority = 0;
        host.RunFor(11_000);
        host.MasterNode().Frozen = true;
        host.RunFor(12_000);

        Assert.Empty(host.Events("+selected-slave"));
        Assert.Equal($"master mymaster {MasterIp} 7001", Assert.Single(host.Texts("-failover-abort-no-good-slave")));
        Assert.All(Replica(host).Model!.Transactions.Concat(Replica2(host).Model!.Transactions), t => Assert.Fail("no replica may be reconfigured"));
    }

    [Fact]
    public void AReplicaThatNeverLinkedSinceItStartedIsNotPromoted()
    {
        var host = Start();
        Replica(host).Model!.RunId = RunId('a'); // would win on run id
        Replica(host).Model!.NeverLinked = true;
        host.RunFor(11_000);

        Assert.Equal(SlaveText(Replica2Ip, Replica2Port), Selected(host));
    }

    [Fact]
    public void AReplicaWhoseLinkIsDownForTooLongIsNotPromoted()
    {
        var host = Start();
        Replica(host).Model!.RunId = RunId('a');
        Replica(host).Model!.NeverLinked = true; // link down before the master failed ...
        Replica(host).Model!.NeverLinked = false;
        Replica(host).Model!.LinkDownSeconds = 3600;
        Replica(host).Model!.IgnoresSlaveof = true;
        Replica(host).Model!.Follow("10.0.0.99", 7099); // ... following a master that is gone for an hour
        host.RunFor(11_000);

        Assert.Equal(SlaveText(Replica2Ip, Replica2Port), Selected(host));
    }

    [Fact]
    public void ADisconnectedReplicaIsNotPromoted()
    {
        var host = Start();
        Replica(host).Model!.RunId = RunId('a');
        host.Kill(Replica(host));
        Assert.Equal(SlaveText(Replica2Ip, Replica2Port), Selected(host));
    }

    [Fact]
    public void PromotionAndReconfigurationUseTheSlaveofTransaction()
    {
        var host = Start();
        host.MasterNode().Frozen = true;
        host.RunFor(15_000);

        var promoted = Replica(host).Model!;
        Assert.Equal(
            [["SLAVEOF", "NO", "ONE"], ["CONFIG", "REWRITE"], ["CLIENT", "KILL", "TYPE", "normal"], ["CLIENT", "KILL", "TYPE", "pubsub"]],
            Assert.Single(promoted.Transactions));
        var toPromoted = host.Sends(ReplicaIp, ReplicaPort).Select(s => s.Args).SkipWhile(a => a[0] != "MULTI").Take(7).Select(a => string.Join(' ', a));
        Assert.Equal(["MULTI", "SLAVEOF NO ONE", "CONFIG REWRITE", "CLIENT KILL TYPE normal", "CLIENT KILL TYPE pubsub", "EXEC", "INFO"], toPromoted);
        Assert.Equal(
            [["SLAVEOF", ReplicaIp, "7002"], ["CONFIG", "REWRITE"], ["CLIENT", "KILL", "TYPE", "normal"], ["CLIENT", "KILL", "TYPE", "pubsub"]],
            Assert.Single(Replica2(host).Model!.Transactions));
    }

    [Fact]
    public void RenamedCommandsAreUsedInTheTransaction()
    {
        var host = Start();
        host.Sentinel("set", "mymaster", "rename-command", "SLAVEOF", "MOVETO");
        host.Sentinel("set", "mymaster", "rename-command", "CONFIG", "CFG");
        host.RunFor(3_000);
        host.MasterNode().Frozen = true;
        host.RunFor(15_000);

        var commands = host.Sends(ReplicaIp, ReplicaPort).Select(s => s.Args).SkipWhile(a => a[0] != "MULTI").Take(3).Select(a => string.Join(' ', a));
        Assert.Equal(["MULTI", "MOVETO NO ONE", "CFG REWRITE"], commands);
    }

    [Fact]
    public void PromotionIsConfirmedByTheInfoAskedRightAfterSlaveofNoOne()
    {
        var host = Start();
        host.MasterNode().Frozen = true;
        host.RunUntilEvent("+promoted-slave", 15_000);

        long sentAt = host.TimeOf("+failover-state-wait-promotion")!.Value;
        Assert.True(host.TimeOf("+promoted-slave") - sentAt <= 2, $"promotion seen {host.TimeOf("+promoted-slave") - sentAt} ms after SLAVEOF NO ONE");
        Assert.Equal("1", Replies.Fields(host.Sentinel("master", "mymaster"))["config-epoch"]);
        Assert.Equal("reconf_slaves", Replies.Fields(host.Sentinel("master", "mymaster"))["failover-state"]);
        // Clients asking now get the promoted replica; the record keeps the old address until the switch.
        Assert.Equal(ReplicaIp, Replies.Text(Replies.Items(host.Sentinel("get-master-addr-by-name", "mymaster"))[0]));
        Assert.Equal(1, host.EffectsOf<PersistState>().Last().State.Masters[0].ConfigEpoch);
        Assert.Equal(ReplicaIp, host.EffectsOf<PersistState>().Last().State.Masters[0].Address.Host);
    }

    [Fact]
    public void SwitchRebuildsTheReplicasAroundTheNewMaster()
    {
        var host = Start();
        host.MasterNode().Frozen = true;
        host.RunFor(15_000);

        Assert.Equal($"mymaster {MasterIp} 7001 {ReplicaIp} 7002", Assert.Single(host.Texts("+switch-master")));
        var fields = Replies.Fields(host.Sentinel("master", "mymaster"));
        Assert.Equal((ReplicaIp, "7002", "master"), (fields["ip"], fields["port"], fields["flags"]));
        Assert.False(fields.ContainsKey("failover-state"));
        var replicas = Replies.Items(host.Sentinel("replicas", "mymaster")).Select(Replies.Fields).Select(f => f["name"]).Order().ToList();
        Assert.Equal([$"{MasterIp}:7001", $"{Replica2Ip}:{Replica2Port}"], replicas);
        var saved = host.EffectsOf<PersistState>().Last().State.Masters[0];
        Assert.Equal((ReplicaIp, 7002), (saved.Address.Host, saved.Address.Port));
        Assert.Equal([MasterIp, Replica2Ip], saved.KnownReplicas.Select(r => r.Host).Order());
    }

    [Fact]
    public void ParallelSyncsOneReconfiguresReplicasOneAtATime()
    {
        var progress = ReconfProgress(parallelSyncs: 1);
        Assert.Equal(["sent", "done", "sent", "done", "sent", "done"], progress);
    }

    [Fact]
    public void ParallelSyncsThreeReconfiguresThreeReplicasAtOnce()
    {
        var progress = ReconfProgress(parallelSyncs: 3);
        Assert.Equal(["sent", "sent", "sent", "done", "done", "done"], progress);
    }

    /// <summary>The order of +slave-reconf-sent and +slave-reconf-done events with one promoted and three to move.</summary>
    private static List<string> ReconfProgress(int parallelSyncs)
    {
        var host = Start(tweak: m => m with { ParallelSyncs = parallelSyncs });
        host.AddRedis("10.0.0.4", 7004, 't', (MasterIp, MasterPort));
        host.AddRedis("10.0.0.5", 7005, 'u', (MasterIp, MasterPort));
        host.RunFor(11_000);
        host.MasterNode().Frozen = true;
        host.RunFor(20_000);
        Assert.Single(host.Events("+failover-end"));
        return host.EffectsOf<PublishEvent>()
            .Where(e => e.Channel is "+slave-reconf-sent" or "+slave-reconf-done")
            .Select(e => e.Channel == "+slave-reconf-sent" ? "sent" : "done")
            .ToList();
    }

    [Fact]
    public void AStuckReplicaTimesOutEvenWithParallelSyncsOne()
    {
        var host = Start(tweak: m => m with { ParallelSyncs = 1, FailoverTimeoutMs = 60_000 });
        Replica(host).Model!.Priority = 1; // promoted
        Replica2(host).Model!.IgnoresSlaveof = true;
        host.AddRedis("10.0.0.4", 7004, 'a', (MasterIp, MasterPort)); // reconfigured first, by name order ... or not
        host.RunFor(11_000);
        host.MasterNode().Frozen = true;
        host.RunUntilEvent("+failover-state-reconf-slaves", 15_000);
        host.RunFor(25_000);

        Assert.Contains(SlaveText(Replica2Ip, Replica2Port), host.Texts("-slave-reconf-sent-timeout"));
        Assert.Equal((ReplicaIp, 7002), (host.Nodes[("10.0.0.4", 7004)].Model!.MasterHost, host.Nodes[("10.0.0.4", 7004)].Model!.MasterPort));
        Assert.Single(host.Events("+failover-end"));
        Assert.Empty(host.Events("+failover-end-for-timeout"));
    }

    [Fact]
    public void APromotedReplicaThatDiesDuringReconfigurationEndsTheFailoverAtTheDeadline()
    {
        var host = Start();
        Replica2(host).Model!.IgnoresSlaveof = true; // keeps the failover in reconf_slaves
        host.MasterNode().Frozen = true;
        host.RunUntilEvent("+failover-state-reconf-slaves", 15_000);
        long reconfAt = host.Now;
        host.Kill(Replica(host));
        host.RunFor(25_000);

        long endAt = host.TimeOf("+failover-end-for-timeout")!.Value;
        Assert.InRange(endAt - reconfAt, 20_000, 20_100);
        Assert.Single(host.Events("+failover-end"));
        Assert.Equal($"mymaster {MasterIp} 7001 {ReplicaIp} 7002", Assert.Single(host.Texts("+switch-master")));
    }

    [Fact]
    public void NoReconfigurationIsSentInTilt()
    {
        var host = Start(tweak: m => m with { ParallelSyncs = 1 });
        Replica2(host).Model!.IgnoresSlaveof = true;
        host.AddRedis("10.0.0.4", 7004, 't', (MasterIp, MasterPort));
        host.RunFor(11_000);
        host.MasterNode().Frozen = true;
        host.RunUntilEvent("+failover-state-reconf-slaves", 15_000);
        host.Tick(host.Now + 3000); // a stall: TILT
        Assert.Single(host.Events("+tilt"));
        int sentBefore = host.Events("+slave-reconf-sent").Count();
        long tiltAt = host.Now;
        host.RunFor(29_000);

        Assert.Equal(sentBefore, host.Events("+slave-reconf-sent").Count());
        Assert.DoesNotContain(host.Timeline, t => t.AtMs > tiltAt && t.Effect is SendCommand { Args: ["SLAVEOF", ..] });
        host.RunFor(15_000);
        Assert.Single(host.Events("-tilt"));
        Assert.Single(host.Events("+failover-end"));
    }

    [Fact]
    public void AResetAfterPromotionKeepsTheConfigurationOfTheFailoverEpoch()
    {
        var host = Start();
        host.MasterNode().Frozen = true;
        host.RunUntilEvent("+promoted-slave", 15_000);

        Assert.Equal(Vigil.Resp.RespValue.Integer(1), host.Sentinel("reset", "mymaster"));

        var promoted = Assert.Single(host.Texts("+promoted-slave"));
        Assert.Equal($"mymaster {MasterIp} 7001 {ReplicaIp} 7002", Assert.Single(host.Texts("+switch-master")));
        Assert.StartsWith($"slave {ReplicaIp}:{ReplicaPort}", promoted);
        var fields = Replies.Fields(host.Sentinel("master", "mymaster"));
        Assert.Equal((ReplicaIp, "7002", "1"), (fields["ip"], fields["port"], fields["config-epoch"]));
        // The reset ends the failover.
        Assert.False(fields.ContainsKey("failover-state"));
        Assert.DoesNotContain("failover_in_progress", fields["flags"]);
        host.RunFor(5_000);
        Assert.Single(host.Texts("+switch-master"));
    }

    [Fact]
    public void CrashAfterPromotionSavesThePromotionThenExits()
    {
        var host = Start();
        host.Sentinel("simulate-failure", "crash-after-promotion");
        host.MasterNode().Frozen = true;
        host.RunFor(15_000);

        // The host writes a drain's saves before carrying out its other effects: the save comes before the exit.
        var saved = host.Effects.TakeWhile(e => e is not Exit).OfType<PersistState>().Last();
        Assert.Equal((ReplicaIp, 1L), (saved.State.Masters[0].Address.Host, saved.State.Masters[0].ConfigEpoch));
        Assert.Equal(99, Assert.Single(host.EffectsOf<Exit>()).Code);
        Assert.IsType<Exit>(host.Effects.Last());
    }

    [Fact]
    public void AReplicaThatNeverReportedItsPriorityIsNotPromoted()
    {
        // An old master back as a replica record may still report role:master (no slave_priority line): its
        // priority is unknown, and may be 0.
        var host = new SimulatedHost(ConfigOf(Master()), options: Options());
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m'), (ReplicaIp, ReplicaPort)));
        string withoutPriority = string.Join("\r\n", ReplicaInfo(RunId('r'), MasterIp, MasterPort).Split("\r\n").Where(l => !l.StartsWith("slave_priority:", StringComparison.Ordinal)));
        var replica = host.AddNode(ReplicaIp, ReplicaPort, withoutPriority);
        host.Tick(StartMs);
        host.RunFor(11_000);

        Assert.Equal("NOGOODSLAVE No suitable replica to promote", Replies.Error(host.Sentinel("failover", "mymaster")));

        replica.Info = ReplicaInfo(RunId('r'), MasterIp, MasterPort);
        host.RunFor(11_000);
        Assert.Equal(Vigil.Resp.RespValue.Ok, host.Sentinel("failover", "mymaster"));
    }

    [Fact]
    public void TheNodeTheNamedMasterFollowsIsChosenThoughItReportsNoPriority()
    {
        // The sentinels were made to name the old master again (REMOVE then MONITOR) after a failover they all forgot:
        // the old master follows the promoted node, which claims the master role and so reports no slave_priority.
        // It is the only way back to a working master (seed 200368).
        var host = new SimulatedHost(ConfigOf(Master(quorum: 1)), options: Options());
        host.AddNode(MasterIp, MasterPort, ReplicaInfo(RunId('m'), ReplicaIp, ReplicaPort));
        host.AddNode(ReplicaIp, ReplicaPort, MasterInfo(RunId('r'), (MasterIp, MasterPort)));
        host.Tick(StartMs);
        host.RunUntilEvent("+promoted-slave", 60_000);

        Assert.Equal(SlaveText(ReplicaIp, ReplicaPort), Assert.Single(host.Texts("+selected-slave")));
        Assert.Empty(host.Events("-failover-abort-no-good-slave"));
    }

    [Fact]
    public void AMasterThatTheNamedMasterDoesNotFollowStillNeedsAReportedPriority()
    {
        // The same node, but the named master's link to it is down: it may be an old master back with stale data.
        var host = new SimulatedHost(ConfigOf(Master(quorum: 1)), options: Options());
        host.AddNode(MasterIp, MasterPort, ReplicaInfo(RunId('m'), ReplicaIp, ReplicaPort, linkStatus: "down", linkDownSeconds: 1));
        host.AddNode(ReplicaIp, ReplicaPort, MasterInfo(RunId('r')));
        host.Tick(StartMs);
        host.RunUntilEvent("-failover-abort-no-good-slave", 60_000);

        Assert.Empty(host.Events("+selected-slave"));
    }
}
