using Vigil.Resp;
using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;

namespace Vigil.Sentinel.Tests;

public sealed class DiscoveryTests
{
    [Fact]
    public void ReplicaListedInMasterInfoIsAddedWithSlaveEvent()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(100);

        var added = Assert.Single(host.Events("+slave"));
        Assert.Equal($"slave {ReplicaIp}:{ReplicaPort} {ReplicaIp} {ReplicaPort} @ mymaster {MasterIp} {MasterPort}", added.Message);
        Assert.Contains(host.EffectsOf<OpenLink>(), o => o.Host == ReplicaIp && o.Port == ReplicaPort);
        Assert.Contains(host.EffectsOf<PersistState>(), p => p.State.Masters[0].KnownReplicas.Count == 1);
    }

    [Fact]
    public void OldStyleReplicaLinesAreUnderstood()
    {
        var host = new SimulatedHost();
        host.AddNode(MasterIp, MasterPort, $"run_id:{RunId('m')}\r\nrole:master\r\nslave0:{ReplicaIp},{ReplicaPort},online\r\n");
        host.RunFor(100);

        Assert.Single(host.Events("+slave"));
    }

    [Fact]
    public void ReplicaFieldsComeFromItsInfo()
    {
        var host = new SimulatedHost();
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m'), (ReplicaIp, ReplicaPort)));
        host.AddNode(ReplicaIp, ReplicaPort, ReplicaInfo(RunId('r'), MasterIp, MasterPort, "up", priority: 42, offset: 12345, linkDownSeconds: 0, announced: 1));
        host.RunFor(2000);

        var replica = Replies.Fields(Replies.Items(host.Sentinel("replicas", "mymaster")).Single());
        Assert.Equal(RunId('r'), replica["runid"]);
        Assert.Equal("slave", replica["flags"]);
        Assert.Equal("ok", replica["master-link-status"]);
        Assert.Equal(MasterIp, replica["master-host"]);
        Assert.Equal(MasterPort.ToString(), replica["master-port"]);
        Assert.Equal("42", replica["slave-priority"]);
        Assert.Equal("12345", replica["slave-repl-offset"]);
        Assert.Equal("0", replica["master-link-down-time"]);
        Assert.Equal("1", replica["replica-announced"]);
    }

    [Fact]
    public void NeverConnectedReplicaReportsMinusOneSecondLinkDownTime()
    {
        var host = new SimulatedHost();
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m'), (ReplicaIp, ReplicaPort)));
        host.AddNode(ReplicaIp, ReplicaPort, ReplicaInfo(RunId('r'), MasterIp, MasterPort, "down", linkDownSeconds: -1));
        host.RunFor(2000);

        var replica = Replies.Fields(Replies.Items(host.Sentinel("replicas", "mymaster")).Single());
        Assert.Equal("-1000", replica["master-link-down-time"]);
        Assert.Equal("err", replica["master-link-status"]);
    }

    [Fact]
    public void UnannouncedReplicaIsHiddenFromReplicasButCounted()
    {
        var host = new SimulatedHost();
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m'), (ReplicaIp, ReplicaPort)));
        host.AddNode(ReplicaIp, ReplicaPort, ReplicaInfo(RunId('r'), MasterIp, MasterPort, announced: 0));
        host.RunFor(2000);

        Assert.Empty(Replies.Items(host.Sentinel("replicas", "mymaster")));
        Assert.Equal("1", Replies.Fields(host.Sentinel("master", "mymaster"))["num-slaves"]);
    }

    [Fact]
    public void NewRunIdIsReportedAsReboot()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(100);
        host.Nodes[(MasterIp, MasterPort)].Info = MasterInfo(RunId('n'), (ReplicaIp, ReplicaPort));
        host.RunFor(10_100);

        var reboot = Assert.Single(host.Events("+reboot"));
        Assert.Equal($"master mymaster {MasterIp} {MasterPort}", reboot.Message);
        Assert.Equal(RunId('n'), Replies.Fields(host.Sentinel("master", "mymaster"))["runid"]);
    }

    [Fact]
    public void MasterReportingSlaveRoleIsAMismatchedRoleChange()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(100);
        host.Nodes[(MasterIp, MasterPort)].Info = ReplicaInfo(RunId('m'), "10.0.0.7", 7007);
        host.RunFor(10_100);

        var change = Assert.Single(host.Events("-role-change"));
        Assert.Equal($"master mymaster {MasterIp} {MasterPort} new reported role is slave", change.Message);
        Assert.Equal("slave", Replies.Fields(host.Sentinel("master", "mymaster"))["role-reported"]);
    }

    [Fact]
    public void InfoErrorLeavesTheRecordUnrefreshedAndRetriesLater()
    {
        var host = new SimulatedHost();
        host.AddNode(MasterIp, MasterPort, null); // answers INFO with an error
        host.RunFor(3500);

        Assert.InRange(host.TimesOf(MasterIp, MasterPort, "INFO").Count, 3, 4);
        Assert.Equal("0", Replies.Fields(host.Sentinel("master", "mymaster"))["info-refresh"]);
    }

    [Fact]
    public void InfoCacheReturnsMasterThenReplicaTexts()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(2000);

        var reply = Replies.Items(host.Sentinel("info-cache", "mymaster", "nope", "mymaster"));
        Assert.Equal(2, reply.Count);
        Assert.Equal("mymaster", Replies.Text(reply[0]));
        var entries = Replies.Items(reply[1]);
        Assert.Equal(2, entries.Count);
        Assert.IsType<RespInteger>(Replies.Items(entries[0])[0]);
        Assert.Contains("role:master", Replies.Text(Replies.Items(entries[0])[1]));
        Assert.Contains("role:slave", Replies.Text(Replies.Items(entries[1])[1]));
    }

    [Fact]
    public void InfoCacheHoldsExactlyTheLastInfoWhetherLongerOrShorterThanTheOneBefore()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        var master = host.Nodes[(MasterIp, MasterPort)];
        string basic = master.Info!;
        foreach (var text in new[] { basic + "# Extra\r\n" + new string('x', 3000) + "\r\n", basic, basic + "a:1\r\n" })
        {
            master.Info = text;
            host.RunFor(11_000); // one INFO period
            var entries = Replies.Items(Replies.Items(host.Sentinel("info-cache", "mymaster"))[1]);
            Assert.Equal(text, Replies.Text(Replies.Items(entries[0])[1]));
        }
    }

    [Fact]
    public void InfoCacheAgeOfAReplicaWithoutInfoIsZero()
    {
        var host = new SimulatedHost();
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m'), (ReplicaIp, ReplicaPort))); // the replica is unreachable
        host.RunFor(2000);

        var entries = Replies.Items(Replies.Items(host.Sentinel("info-cache", "mymaster"))[1]);
        Assert.Equal(RespValue.Array(RespValue.Integer(0), RespValue.NullValue), entries[1]);
    }
    [Fact]
    public void AReplicaOfAReplicaIsLearnedFromThatReplicasInfo()
    {
        var host = new SimulatedHost();
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m'), (ReplicaIp, ReplicaPort)));
        host.AddNode(ReplicaIp, ReplicaPort, ReplicaInfo(RunId('r'), MasterIp, MasterPort)
            + "connected_slaves:2\r\nslave0:ip=10.0.0.5,port=7005,state=online,offset=100,lag=0\r\n"
            + $"slave1:ip={MasterIp},port={MasterPort},state=online,offset=100,lag=0\r\n");
        host.AddNode("10.0.0.5", 7005, ReplicaInfo(RunId('s'), ReplicaIp, ReplicaPort));
        host.Tick(StartMs);
        host.RunFor(2000);

        Assert.Equal(["slave 10.0.0.2:7002 10.0.0.2 7002 @ mymaster 10.0.0.1 7001", "slave 10.0.0.5:7005 10.0.0.5 7005 @ mymaster 10.0.0.1 7001"],
            host.Texts("+slave"));
    }

    [Fact]
    public void TheNodeAMonitoredMasterReplicatesFromIsLearnedWithItsReplicas()
    {
        // Every sentinel forgot a failover (REMOVE then MONITOR of the old address): the old master follows the
        // promoted node and lists no replicas, so without this nothing of the group is known and no failover can
        // ever select a replica (seed 58543).
        var host = new SimulatedHost();
        host.AddNode(MasterIp, MasterPort, ReplicaInfo(RunId('m'), ReplicaIp, ReplicaPort));
        host.AddNode(ReplicaIp, ReplicaPort, MasterInfo(RunId('r'), (MasterIp, MasterPort), ("10.0.0.5", 7005)));
        host.AddNode("10.0.0.5", 7005, ReplicaInfo(RunId('s'), ReplicaIp, ReplicaPort));
        host.Tick(StartMs);
        host.RunFor(2000);

        Assert.Equal([$"slave {ReplicaIp}:{ReplicaPort} {ReplicaIp} {ReplicaPort} @ mymaster {MasterIp} {MasterPort}",
                $"slave 10.0.0.5:7005 10.0.0.5 7005 @ mymaster {MasterIp} {MasterPort}"],
            host.Texts("+slave"));
    }
}
