using Vigil.Resp;
using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;
using static Vigil.Sentinel.Tests.Support.FailoverFixture;

namespace Vigil.Sentinel.Tests;

/// <summary>SENTINEL FAILOVER: planned switchover with a reachable master, the reference's forced failover otherwise.</summary>
public sealed class SwitchoverTests
{
    private static FakeNode Replica(SimulatedHost host) => host.Nodes[(ReplicaIp, ReplicaPort)];

    private static List<string> CommandsTo(SimulatedHost host, FakeNode node, long fromMs) =>
        host.Sends(node.Ip, node.Port).Where(s => s.AtMs >= fromMs).Select(s => string.Join(' ', s.Args))
            .Where(c => c is not ("PING" or "INFO") && !c.StartsWith("PUBLISH", StringComparison.Ordinal)).ToList();

    [Fact]
    public void TheMastersWritesArePausedUntilTheReplicaHasThemAllThenRolesSwap()
    {
        var host = Start();
        var master = host.MasterNode();
        master.Model!.Write(1000);
        host.RunFor(2_000);
        long at = host.Now;

        Assert.Equal(RespValue.Ok, host.Sentinel("failover", "mymaster"));
        host.RunFor(100);

        Assert.Equal(["CLIENT PAUSE 10000 WRITE", "INFO replication", "MULTI", $"SLAVEOF {ReplicaIp} 7002", "CONFIG REWRITE",
            "CLIENT KILL TYPE normal", "CLIENT KILL TYPE pubsub", "EXEC", "CLIENT UNPAUSE"], CommandsTo(host, master, at).Take(9));
        Assert.True(Replica(host).Model!.IsMaster);
        Assert.Equal(1000, Replica(host).Model!.Offset);
        Assert.False(master.Model.IsMaster);
        Assert.Equal(
            ["+new-epoch", "+try-failover", "+vote-for-leader", "+elected-leader", "+failover-state-select-slave", "+selected-slave",
             "+failover-state-send-slaveof-noone", "+switchover-pause-writes", "+switchover-master-offset",
             "+switchover-replica-caught-up", "+failover-state-wait-promotion", "+promoted-slave",
             "+failover-state-reconf-slaves", "+convert-to-slave"],
            host.Timeline.Where(t => t.AtMs >= at && t.Effect is PublishEvent).Select(t => ((PublishEvent)t.Effect).Channel)
                .Where(c => !c.Contains("role-change", StringComparison.Ordinal) && !c.StartsWith("+slave-reconf", StringComparison.Ordinal)).Take(14));
        Assert.Equal($"master mymaster {MasterIp} 7001 1000", Assert.Single(host.Texts("+switchover-master-offset")));
        // The moved old master is polled right behind its SLAVEOF: the switch needs no INFO period.
        Assert.Equal($"mymaster {MasterIp} 7001 {ReplicaIp} 7002", Assert.Single(host.Texts("+switch-master")));
        host.RunFor(3_000);
        Assert.Single(host.Texts("+switch-master"));
    }

    [Fact]
    public void ALaggingReplicaIsPolledUntilItCatchesUp()
    {
        var host = Start();
        var master = host.MasterNode();
        master.Model!.Write(1000);
        Replica(host).Model!.LagBytes = 300;
        Replica(host).Model!.Priority = 1;
        host.RunFor(11_000);

        host.Sentinel("failover", "mymaster");
        host.RunFor(50);
        Assert.False(Replica(host).Model!.IsMaster);
        Assert.False(master.Model.Write(10)); // paused: the client waits
        long pausedAt = host.TimeOf("+switchover-pause-writes")!.Value;

        host.RunFor(500);
        Replica(host).Model!.LagBytes = 0;
        host.RunFor(200);

        Assert.True(Replica(host).Model!.IsMaster);
        Assert.Equal(1000, Replica(host).Model!.Offset);
        var polls = host.Sends(ReplicaIp, ReplicaPort).Where(s => s.AtMs > pausedAt && s.AtMs < pausedAt + 550 && s.Args[0] == "INFO").Select(s => s.AtMs).ToList();
        Assert.InRange(polls.Count, 4, 6); // every 100 ms
        long caughtUpAt = host.TimeOf("+switchover-replica-caught-up")!.Value;
        Assert.InRange(caughtUpAt - pausedAt, 500, 650);
    }

    [Fact]
    public void AReplicaThatDoesNotCatchUpInTimeAbortsAndUnpausesTheMaster()
    {
        var host = Start();
        var master = host.MasterNode();
        master.Model!.Write(1000);
        Replica(host).Model!.LagBytes = 300;
        Replica(host).Model!.Priority = 1;
        host.RunFor(11_000);

        host.Sentinel("failover", "mymaster");
        host.RunFor(6_000);

        long pausedAt = host.TimeOf("+switchover-pause-writes")!.Value;
        long abortAt = host.TimeOf("-failover-abort-switchover-timeout")!.Value;
        Assert.InRange(abortAt - pausedAt, 5_001, 5_002);
        Assert.Equal(["CLIENT PAUSE 10000 WRITE", "CLIENT UNPAUSE"], master.Model.PauseCommands);
        Assert.False(master.Model.WritesPaused);
        Assert.True(master.Model.IsMaster);
        Assert.Empty(Replica(host).Model!.Transactions);
        var fields = Replies.Fields(host.Sentinel("master", "mymaster"));
        Assert.DoesNotContain("failover_in_progress", fields["flags"]);
        Assert.DoesNotContain("promoted", Replies.Items(host.Sentinel("replicas", "mymaster")).Select(Replies.Fields).Select(f => f["flags"]).Aggregate((a, b) => a + b));
    }

    [Fact]
    public void AMasterThatRefusesThePauseIsFailedOverAsTheReferenceDoes()
    {
        var host = Start();
        host.MasterNode().Model!.RefusesPause = true;

        host.Sentinel("failover", "mymaster");
        host.RunFor(100);

        Assert.Contains(host.EffectsOf<Log>(), l => l.Message.StartsWith("Master mymaster refused CLIENT PAUSE", StringComparison.Ordinal));
        Assert.True(Replica(host).Model!.IsMaster);
        Assert.Empty(host.Events("-failover-abort-switchover-timeout"));
    }

    [Fact]
    public void AnUnreachableMasterIsFailedOverWithoutPausing()
    {
        var host = Start();
        var master = host.MasterNode();
        host.Kill(master);
        host.RunFor(100);

        Assert.Equal(RespValue.Ok, host.Sentinel("failover", "mymaster"));
        host.RunFor(2_000);

        Assert.Empty(master.Model!.PauseCommands);
        Assert.Empty(host.Events("+switchover-pause-writes"));
        Assert.True(Replica(host).Model!.IsMaster);
        Assert.Contains(host.EffectsOf<Log>(), l => l.Message == "Executing user requested FAILOVER of 'mymaster'");
        Assert.Single(host.Events("+switch-master"));
    }

    [Fact]
    public void ASecondFailoverWhileOneRunsIsRefused()
    {
        var host = Start();
        Replica(host).Model!.LagBytes = 300;
        host.MasterNode().Model!.Write(1000);
        host.RunFor(11_000);
        host.Sentinel("failover", "mymaster");

        Assert.Equal("INPROG Failover already in progress", Replies.Error(host.Sentinel("failover", "mymaster")));
    }

    [Fact]
    public void AForcedFailoverNeedsNoPeerAndAsksNone()
    {
        var host = Start(_ => RespValue.Array(RespValue.Integer(0), RespValue.Bulk("*"), RespValue.Integer(0)));
        long at = host.Now;
        host.Sentinel("failover", "mymaster");
        host.RunFor(100);

        Assert.Single(host.Events("+elected-leader"));
        Assert.DoesNotContain(host.Sends(Peers[0].Ip, Peers[0].Port), s => s.AtMs >= at && s.Args[0] == "SENTINEL");
    }

    [Fact]
    public void ACoordinatedFailoverIsThePlannedSwitchover()
    {
        var host = Start();
        var master = host.MasterNode();
        master.Model!.Write(1000);
        host.RunFor(2_000);

        Assert.Equal(RespValue.Ok, host.Sentinel("FAILOVER", "mymaster", "COORDINATED"));
        host.RunFor(100);

        Assert.Contains(host.EffectsOf<Log>(), l => l.Message == "Executing user requested FAILOVER of 'mymaster' (coordinated)");
        Assert.Equal(["CLIENT PAUSE 10000 WRITE", "CLIENT UNPAUSE"], master.Model.PauseCommands);
        Assert.True(Replica(host).Model!.IsMaster);
        Assert.Equal(1000, Replica(host).Model!.Offset);
        Assert.Single(host.Events("+switchover-replica-caught-up"));
        Assert.Single(host.Events("+switch-master"));
    }

    [Fact]
    public void ACoordinatedFailoverIsRefusedWhileTheMasterDoesNotAnswer()
    {
        var host = Start();
        host.Kill(host.MasterNode());
        host.RunFor(100);

        Assert.Equal("ERR A coordinated failover needs a master that answers and reports role:master",
            Replies.Error(host.Sentinel("failover", "mymaster", "coordinated")));
        host.RunFor(2_000);
        Assert.Empty(host.Events("+try-failover"));
        Assert.False(Replica(host).Model!.IsMaster);
    }

    [Fact]
    public void ACoordinatedFailoverAbortsWhenTheMasterRefusesThePause()
    {
        var host = Start();
        host.MasterNode().Model!.RefusesPause = true;

        Assert.Equal(RespValue.Ok, host.Sentinel("failover", "mymaster", "coordinated"));
        host.RunFor(500);

        Assert.Single(host.Events("-failover-abort-switchover-refused"));
        Assert.False(Replica(host).Model!.IsMaster);
        Assert.Empty(Replica(host).Model!.Transactions);
        Assert.Empty(host.Events("+switch-master"));
        Assert.DoesNotContain("failover_in_progress", Replies.Fields(host.Sentinel("master", "mymaster"))["flags"]);
    }

    [Fact]
    public void ACoordinatedFailoverAbortsWhenTheMasterStopsAnsweringBeforeThePromotion()
    {
        var host = Start();
        var master = host.MasterNode();
        master.Model!.Write(1000);
        Replica(host).Model!.LagBytes = 300;
        Replica(host).Model!.Priority = 1;
        host.RunFor(11_000);

        host.Sentinel("failover", "mymaster", "coordinated");
        host.RunFor(200);
        Assert.Single(host.Events("+switchover-pause-writes"));
        host.Kill(master);
        host.RunFor(6_000);

        Assert.Single(host.Events("-failover-abort-master-unreachable"));
        Assert.Empty(Replica(host).Model!.Transactions);
        Assert.False(Replica(host).Model!.IsMaster);
    }

    [Fact]
    public void FailoverTakesOnlyCoordinatedAsItsOption()
    {
        var host = Start();
        Assert.Equal("ERR syntax error", Replies.Error(host.Sentinel("failover", "mymaster", "force")));
        Assert.Equal("ERR wrong number of arguments for 'sentinel|failover' command",
            Replies.Error(host.Sentinel("failover", "mymaster", "coordinated", "x")));
        Assert.Empty(host.Events("+try-failover"));
    }
}
