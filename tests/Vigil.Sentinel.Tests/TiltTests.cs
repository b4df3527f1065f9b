using Vigil.Resp;
using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;

namespace Vigil.Sentinel.Tests;

public sealed class TiltTests
{
    [Fact]
    public void ForwardJumpEntersTilt()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(5000);
        host.Tick(host.Now + 2500);

        Assert.Equal("#tilt mode entered", Assert.Single(host.Events("+tilt")).Message);
        Assert.Contains(host.EffectsOf<Log>(), l => l.Message.StartsWith("TILT cause: ", StringComparison.Ordinal));
        Assert.Contains("sentinel_tilt:1\r\nsentinel_tilt_since_seconds:0\r\n", host.InfoSentinelSection());
    }

    [Fact]
    public void AFirstTickLongAfterConstructionIsNotAStall()
    {
        // A host on a loaded machine may take seconds between building the core and its loop's first timer run.
        var host = new SimulatedHost();
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m'), (ReplicaIp, ReplicaPort)));
        host.AddNode(ReplicaIp, ReplicaPort, ReplicaInfo(RunId('r'), MasterIp, MasterPort));
        host.Tick(StartMs + 2070);
        host.RunFor(5000);

        Assert.Empty(host.Events("+tilt"));
        Assert.Contains(host.EffectsOf<Log>(), l => l.Message == "First timer run 2070 ms after start (not a stall: no TILT)");
        Assert.Contains("sentinel_tilt:0\r\n", host.InfoSentinelSection());
        // The rule is back from the second tick on.
        host.Tick(host.Now + 2500);
        Assert.Single(host.Events("+tilt"));
    }

    [Fact]
    public void AFirstTickLongAfterARestoreIsNotAStallEither()
    {
        var first = HostExtensions.StartedWithMasterAndReplica();
        first.RunFor(3000);
        var saved = first.EffectsOf<PersistState>().Last().State;

        var options = Options(seed: 9) with { StartNowMs = first.Now };
        var host = new SimulatedHost(ConfigOf(), saved, options);
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m'), (ReplicaIp, ReplicaPort)));
        host.AddNode(ReplicaIp, ReplicaPort, ReplicaInfo(RunId('r'), MasterIp, MasterPort));
        host.Tick(first.Now + 4000);
        host.RunFor(3000);

        Assert.Empty(host.Events("+tilt"));
    }

    [Fact]
    public void AFirstTickBeforeConstructionTimeStillEntersTilt()
    {
        var host = new SimulatedHost();
        host.Tick(StartMs - 10);

        Assert.Single(host.Events("+tilt"));
    }

    [Fact]
    public void BackwardJumpEntersTilt()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(5000);
        host.Tick(host.Now);
        host.Tick(host.Now - 10);

        Assert.Single(host.Events("+tilt"));
    }

    [Fact]
    public void NormalTicksNeverTilt()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(120_000);

        Assert.Empty(host.Events("+tilt"));
        Assert.Contains("sentinel_tilt:0\r\nsentinel_tilt_since_seconds:-1\r\n", host.InfoSentinelSection());
    }

    [Fact]
    public void TiltFreezesSdownAndEndsAfterTheTiltPeriod()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(1000);
        host.Tick(host.Now + 3000);
        host.Nodes[(MasterIp, MasterPort)].Frozen = true;
        host.RunFor(20_000);
        Assert.Empty(host.Events("+sdown"));
        Assert.Contains(host.TimesOf(MasterIp, MasterPort, "PING"), t => t > StartMs + 4000); // monitoring goes on

        host.RunFor(11_000);
        Assert.Equal("#tilt mode exited", Assert.Single(host.Events("-tilt")).Message);
        Assert.Single(host.Events("+sdown"));
    }

    [Fact]
    public void InTiltTheMasterIsReportedUpAndNoVoteIsGiven()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(1000);
        host.Nodes[(MasterIp, MasterPort)].Frozen = true;
        host.RunFor(7000);
        host.Tick(host.Now + 5000);

        var reply = host.Sentinel("is-master-down-by-addr", MasterIp, "7001", "2", PeerA);
        Assert.Equal(RespValue.Array(RespValue.Integer(0), RespValue.Bulk("*"), RespValue.Integer(0)), reply);
        Assert.Empty(host.Events("+vote-for-leader"));
    }

    [Fact]
    public void InTiltTheVoteAlreadyHeldIsAnsweredButNotChanged()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.AdmitPeers(PeerA, PeerB);
        host.RunFor(1000);
        host.Sentinel("is-master-down-by-addr", MasterIp, "7001", "2", PeerA);
        host.Tick(host.Now + 5000);

        var reply = host.Sentinel("is-master-down-by-addr", MasterIp, "7001", "3", PeerB);
        Assert.Equal(RespValue.Array(RespValue.Integer(0), RespValue.Bulk(PeerA), RespValue.Integer(2)), reply);
        Assert.Single(host.Events("+vote-for-leader"));
    }
    [Fact]
    public void AnOperatorFailoverInTiltIsAcceptedAndStartsWhenTiltEnds()
    {
        var host = FailoverFixture.Start();
        host.Tick(host.Now + 3000);
        Assert.Single(host.Events("+tilt"));
        long tiltAt = host.Now;

        Assert.Equal(RespValue.Ok, host.Sentinel("failover", "mymaster"));
        Assert.Equal("INPROG Failover already in progress", Replies.Error(host.Sentinel("failover", "mymaster")));
        host.RunFor(29_000);
        Assert.Empty(host.Events("+new-epoch"));
        Assert.Empty(host.Events("+try-failover"));

        host.RunFor(3000);
        long tiltEndAt = host.TimeOf("-tilt")!.Value;
        Assert.InRange(tiltEndAt - tiltAt, 30_000, 31_000);
        Assert.Equal(tiltEndAt, host.TimeOf("+try-failover"));
        Assert.Single(host.Events("+elected-leader"));
    }
    [Fact]
    public void AfterABackwardClockStepPingsGoOnAtTheirPeriod()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(5000);
        int before = host.Sends(MasterIp, MasterPort).Count;
        host.Tick(host.Now - 30_000);
        Assert.Single(host.Events("+tilt"));

        host.RunFor(5000);

        // Times stored before the step must not lie in the core's future: that would silence PING for 30 s.
        var probes = host.Sends(MasterIp, MasterPort).Skip(before).Where(s => s.Args[0] is "PING" or "PUBLISH").ToList();
        Assert.InRange(probes.Count, 9, 11); // a master's ping period is 500 ms at down-after 5 s
        Assert.Empty(host.Events("+sdown"));
    }
}
