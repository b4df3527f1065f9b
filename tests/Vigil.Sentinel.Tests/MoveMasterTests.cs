using Vigil.Resp;
using Vigil.Sentinel.State;
using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;

namespace Vigil.Sentinel.Tests;

/// <summary>
/// SENTINEL MOVE-MASTER (Vigil only): the operator moved the data to a node outside the group, which becomes the
/// master under a new epoch; the old nodes, which cannot replicate it, are forgotten and left alone.
/// </summary>
public sealed class MoveMasterTests
{
    private const string TargetIp = "10.0.0.9";
    private const int TargetPort = 7009;

    private static SimulatedHost Running()
    {
        var host = new SimulatedHost(ConfigOf());
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m'), (ReplicaIp, ReplicaPort)));
        host.AddNode(ReplicaIp, ReplicaPort, ReplicaInfo(RunId('r'), MasterIp, MasterPort));
        host.AddNode(TargetIp, TargetPort, MasterInfo(RunId('t')));
        host.RunFor(1000);
        return host;
    }

    [Theory]
    [InlineData("nosuch", TargetIp, "7009", "ERR No such master with that name")]
    [InlineData("mymaster", TargetIp, "x", "ERR Invalid port")]
    [InlineData("mymaster", TargetIp, "0", "ERR Invalid port")]
    [InlineData("mymaster", TargetIp, "70000", "ERR Invalid port")]
    [InlineData("mymaster", "redis.example", "7009", "ERR Invalid IP address or hostname specified")]
    public void RefusesWhatItCannotDo(string name, string ip, string port, string error)
    {
        var host = Running();
        Assert.Equal(error, Replies.Error(host.Sentinel("move-master", name, ip, port)));
        Assert.Empty(host.Events("+switch-master"));
        Assert.Equal(MasterPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Replies.Items(host.Sentinel("get-master-addr-by-name", "mymaster"))[1] is RespBulkString { Text: var p } ? p : null);
    }

    /// <summary>The master's address as the sentinel answers it, and how many saves and switches it made.</summary>
    private static (string Port, int Saves, int Switches, string Epoch) Unmoved(SimulatedHost host) =>
        (Replies.Text(Replies.Items(host.Sentinel("get-master-addr-by-name", "mymaster"))[1])!, host.EffectsOf<PersistState>().Count(),
            host.Texts("+switch-master").Count, Replies.Fields(host.Sentinel("master", "mymaster"))["config-epoch"]);

    [Fact]
    public void ATargetThatIsNotAMasterIsRefusedAndNothingChanges()
    {
        var host = Running();
        host.Nodes[(TargetIp, TargetPort)].Info = ReplicaInfo(RunId('t'), MasterIp, MasterPort);
        var before = Unmoved(host);

        var error = Replies.Error(host.Sentinel("move-master", "mymaster", TargetIp, "7009"));

        Assert.Equal($"ERR {TargetIp}:{TargetPort} is not a master (role:slave): the master is not moved", error);
        Assert.Equal(before, Unmoved(host));
        Assert.Contains(host.Sends(TargetIp, TargetPort), s => s.Args.SequenceEqual(["INFO", "replication"]));
    }

    [Fact]
    public void AnUnreachableTargetIsRefused()
    {
        var host = Running();
        host.Kill(host.Nodes[(TargetIp, TargetPort)]);
        var before = Unmoved(host);
        Assert.Equal($"ERR {TargetIp}:{TargetPort} could not be asked its role (Connection refused): the master is not moved",
            Replies.Error(host.Sentinel("move-master", "mymaster", TargetIp, "7009")));
        Assert.Equal(before, Unmoved(host));
    }

    [Fact]
    public void TheReplyWaitsForTheTargetAndASilentTargetIsRefusedAfterTheDeadline()
    {
        var host = Running();
        var target = host.Nodes[(TargetIp, TargetPort)];
        target.Frozen = true;
        var before = Unmoved(host);
        long id = host.NextRequestId;
        Assert.Null(host.Request((now, rid) => new SentinelRequest(now, rid, [.. new[] { "move-master", "mymaster", TargetIp, "7009" }.Select(System.Text.Encoding.UTF8.GetBytes)])));

        host.RunFor(Limits.MoveTargetCheckMs - 100);
        Assert.Null(host.AnswerTo(id));
        host.RunFor(Limits.MaxTickIntervalMs + 100);
        var answer = Assert.IsType<Reply>(host.AnswerTo(id));
        Assert.Equal($"ERR {TargetIp}:{TargetPort} did not answer INFO replication within {Limits.MoveTargetCheckMs} ms: the master is not moved",
            Replies.Error(answer.Value));
        Assert.Equal(before, Unmoved(host));
        Assert.Contains(host.EffectsOf<CloseLink>(), c => true);
    }

    [Fact]
    public void TheTargetIsAskedWithTheMastersPassword()
    {
        var host = new SimulatedHost(ConfigOf(Master() with { AuthPass = "s3cret" }));
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m'))).RequirePass = "s3cret";
        host.AddNode(TargetIp, TargetPort, MasterInfo(RunId('t'))).RequirePass = "s3cret";
        host.RunFor(1000);

        Assert.Equal(RespValue.Ok, host.Sentinel("move-master", "mymaster", TargetIp, "7009"));
        Assert.Contains(host.Sends(TargetIp, TargetPort), s => s.Args.SequenceEqual(["AUTH", "s3cret"]));
    }

    [Fact]
    public void TheTargetIsAskedWithTheMastersRenamedInfo()
    {
        var renames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["INFO"] = "SECRET-INFO" };
        var host = new SimulatedHost(ConfigOf(Master() with { RenameCommands = renames }));
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m')));
        host.AddNode(TargetIp, TargetPort, MasterInfo(RunId('t')));
        host.RunFor(1000);

        host.Sentinel("move-master", "mymaster", TargetIp, "7009");
        Assert.Contains(host.Sends(TargetIp, TargetPort), s => s.Args.SequenceEqual(["SECRET-INFO", "replication"]));
    }

    [Fact]
    public void ASecondMoveToTheSameAddressChangesNothingButForgetsCarriedReplicas()
    {
        var host = Running();
        Assert.Equal(RespValue.Ok, host.Sentinel("move-master", "mymaster", TargetIp, "7009"));
        var epoch = Replies.Fields(host.Sentinel("master", "mymaster"))["config-epoch"];
        Assert.Equal(RespValue.Ok, host.Sentinel("move-master", "mymaster", TargetIp, "7009"));
        Assert.Single(host.Texts("+switch-master"));
        Assert.Equal(epoch, Replies.Fields(host.Sentinel("master", "mymaster"))["config-epoch"]);
    }

    [Fact]
    public void MovesToANodeListedAsAReplica()
    {
        // The migration's replication link announces the target, so the old master's INFO lists it as a replica.
        var host = new SimulatedHost(ConfigOf());
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m'), (ReplicaIp, ReplicaPort), (TargetIp, TargetPort)));
        host.AddNode(ReplicaIp, ReplicaPort, ReplicaInfo(RunId('r'), MasterIp, MasterPort));
        host.AddNode(TargetIp, TargetPort, MasterInfo(RunId('t')));
        host.RunFor(1000);
        Assert.Equal(2, Replies.Items(host.Sentinel("replicas", "mymaster")).Count);

        Assert.Equal(RespValue.Ok, host.Sentinel("move-master", "mymaster", TargetIp, "7009"));
        Assert.Equal($"mymaster {MasterIp} {MasterPort} {TargetIp} {TargetPort}", Assert.Single(host.Texts("+switch-master")));
        host.RunFor(1000);
        Assert.Empty(Replies.Items(host.Sentinel("replicas", "mymaster")));
    }

    [Fact]
    public void RefusesDuringAFailover()
    {
        var host = Running();
        Assert.Equal(RespValue.Ok, host.Sentinel("failover", "mymaster"));
        Assert.Equal("INPROG Failover already in progress", Replies.Error(host.Sentinel("move-master", "mymaster", TargetIp, "7009")));
    }

    [Fact]
    public void MovesUnderANewEpochAnnouncesItAndForgetsTheOldNodes()
    {
        var host = Running();
        long epochBefore = long.Parse(Replies.Fields(host.Sentinel("master", "mymaster"))["config-epoch"], System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(RespValue.Ok, host.Sentinel("move-master", "mymaster", TargetIp, "7009"));

        Assert.Equal($"mymaster {MasterIp} {MasterPort} {TargetIp} {TargetPort}", Assert.Single(host.Texts("+switch-master")));
        var address = Replies.Items(host.Sentinel("get-master-addr-by-name", "mymaster"));
        Assert.Equal([TargetIp, "7009"], address.Select(a => ((RespBulkString)a).Text));
        var master = Replies.Fields(host.Sentinel("master", "mymaster"));
        Assert.Equal(epochBefore + 1, long.Parse(master["config-epoch"], System.Globalization.CultureInfo.InvariantCulture));
        var saved = host.EffectsOf<PersistState>().Last().State;
        Assert.Equal(TargetPort, saved.Masters.Single().Address.Port);
        Assert.Equal(epochBefore + 1, saved.Masters.Single().ConfigEpoch);
        Assert.Empty(Replies.Items(host.Sentinel("replicas", "mymaster")));

        // The old master still claims the role and its replica still follows it: neither is reconfigured.
        int sentToOld = host.Sends(MasterIp, MasterPort).Count + host.Sends(ReplicaIp, ReplicaPort).Count;
        host.RunFor(60_000);
        Assert.Equal(sentToOld, host.Sends(MasterIp, MasterPort).Count + host.Sends(ReplicaIp, ReplicaPort).Count);
        Assert.Empty(host.Texts("+convert-to-slave"));
        Assert.Empty(host.Texts("+fix-slave-config"));
        Assert.Equal("master", Replies.Fields(host.Sentinel("master", "mymaster"))["role-reported"]);
        Assert.DoesNotContain("s_down", Replies.Fields(host.Sentinel("master", "mymaster"))["flags"], StringComparison.Ordinal);
    }

    private static SentinelNetwork Group()
    {
        var network = new SentinelNetwork();
        network.AddRedis(MasterIp, MasterPort, 'm');
        network.AddRedis(ReplicaIp, ReplicaPort, 'r', (MasterIp, MasterPort));
        network.AddRedis(TargetIp, TargetPort, 't');
        for (int i = 0; i < 3; i++) network.AddSentinel($"10.0.1.{i + 1}", 7201 + i, ConfigOf(Master() with { FailoverTimeoutMs = 20_000 }), seed: 300 + i);
        network.RunFor(12_000);
        return network;
    }

    private static string MasterPortOf(SentinelNetwork network, int sentinel) =>
        Replies.Text(Replies.Items(network.Sentinel(sentinel, "get-master-addr-by-name", "mymaster"))[1])!;

    [Fact]
    public void AGroupToldAllAtOnceAgreesAndLeavesTheOldNodesAlone()
    {
        var network = Group();
        for (int i = 0; i < 3; i++) Assert.Equal(RespValue.Ok, network.Sentinel(i, "move-master", "mymaster", TargetIp, "7009"));
        network.RunFor(60_000);

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal("7009", MasterPortOf(network, i));
            Assert.Single(network.Events(i, "+switch-master"));
            Assert.Empty(network.Events(i, "+convert-to-slave"));
            Assert.Empty(network.Events(i, "+fix-slave-config"));
            Assert.Empty(network.Events(i, "+try-failover"));
            Assert.Empty(Replies.Items(network.Sentinel(i, "replicas", "mymaster")));
            Assert.Equal("2", Replies.Fields(network.Sentinel(i, "master", "mymaster"))["num-other-sentinels"]);
        }
    }

    [Fact]
    public void ASentinelNotToldAdoptsOnlyThroughItsChecksAndForgetsTheCarriedNodesWhenTold()
    {
        var network = Group();
        Assert.Equal(RespValue.Ok, network.Sentinel(0, "move-master", "mymaster", TargetIp, "7009"));
        Assert.Equal(RespValue.Ok, network.Sentinel(1, "move-master", "mymaster", TargetIp, "7009"));
        network.RunFor(10_000);

        // The target is neither a replica it knows nor followed by its nodes: two peers had to confirm it.
        Assert.Equal("7009", MasterPortOf(network, 2));
        Assert.Single(network.Events(2, "+config-update-from"));
        Assert.NotEmpty(Replies.Items(network.Sentinel(2, "replicas", "mymaster")));

        Assert.Equal(RespValue.Ok, network.Sentinel(2, "move-master", "mymaster", TargetIp, "7009"));
        Assert.Empty(Replies.Items(network.Sentinel(2, "replicas", "mymaster")));
        Assert.Single(network.Events(2, "+switch-master"));
    }
}
