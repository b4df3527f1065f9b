using Vigil.Resp;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;

namespace Vigil.Sentinel.Tests;

public sealed class SentinelCommandTests
{
    private static SimulatedHost Running()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.PublishHello($"10.0.0.9,7109,{PeerA},0,mymaster,{MasterIp},{MasterPort},0");
        host.RunFor(3000);
        return host;
    }

    private static readonly string[] CommonKeys =
    [
        "name", "ip", "port", "runid", "flags", "link-pending-commands", "link-refcount",
        "last-ping-sent", "last-ok-ping-reply", "last-ping-reply", "down-after-milliseconds",
    ];

    [Fact]
    public void MasterObjectHasTheReferenceFieldsInOrder()
    {
        var host = Running();
        var keys = Replies.Keys(host.Sentinel("master", "mymaster"));

        Assert.Equal(CommonKeys.Concat([
            "info-refresh", "role-reported", "role-reported-time", "config-epoch", "num-slaves",
            "num-other-sentinels", "quorum", "failover-timeout", "parallel-syncs"]), keys);
    }

    [Fact]
    public void MasterObjectValuesAreBulkStrings()
    {
        var host = Running();
        var map = Assert.IsType<RespMap>(host.Sentinel("master", "mymaster"));
        Assert.All(map.Entries, e => Assert.IsType<RespBulkString>(e.Value));

        var fields = Replies.Fields(map);
        Assert.Equal("mymaster", fields["name"]);
        Assert.Equal(MasterIp, fields["ip"]);
        Assert.Equal("7001", fields["port"]);
        Assert.Equal(RunId('m'), fields["runid"]);
        Assert.Equal("master", fields["flags"]);
        Assert.Equal("1", fields["link-refcount"]);
        Assert.Equal("5000", fields["down-after-milliseconds"]);
        Assert.Equal("master", fields["role-reported"]);
        Assert.Equal("1", fields["num-slaves"]);
        Assert.Equal("1", fields["num-other-sentinels"]);
        Assert.Equal("2", fields["quorum"]);
        Assert.Equal("180000", fields["failover-timeout"]);
        Assert.Equal("1", fields["parallel-syncs"]);
    }

    [Fact]
    public void ReplicaAndSentinelObjectsHaveTheReferenceFieldsInOrder()
    {
        var host = Running();

        Assert.Equal(CommonKeys.Concat([
            "info-refresh", "role-reported", "role-reported-time", "master-link-down-time", "master-link-status",
            "master-host", "master-port", "slave-priority", "slave-repl-offset", "replica-announced"]),
            Replies.Keys(Replies.Items(host.Sentinel("replicas", "mymaster")).Single()));
        Assert.Equal(Replies.Keys(Replies.Items(host.Sentinel("replicas", "mymaster")).Single()),
            Replies.Keys(Replies.Items(host.Sentinel("SLAVES", "mymaster")).Single()));
        Assert.Equal(CommonKeys.Concat(["last-hello-message", "voted-leader", "voted-leader-epoch"]),
            Replies.Keys(Replies.Items(host.Sentinel("sentinels", "mymaster")).Single()));
    }

    [Fact]
    public void ScriptsAndDownTimesAppearOnlyWhenSet()
    {
        var config = ConfigOf(Master() with { NotificationScript = "/ok/n.sh", ClientReconfigScript = "/ok/c.sh" });
        var host = new SimulatedHost(config);
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m')));
        host.RunFor(1000);
        host.Nodes[(MasterIp, MasterPort)].Frozen = true;
        host.RunFor(7000);

        var keys = Replies.Keys(host.Sentinel("master", "mymaster"));
        Assert.Equal(23, keys.Count); // the 22 of a master with both scripts, plus s-down-time
        Assert.Equal(["notification-script", "client-reconfig-script"], keys[^2..]);
        Assert.Equal("s-down-time", keys[10]);
    }

    [Fact]
    public void MastersListsEveryMaster()
    {
        var host = new SimulatedHost(ConfigOf(Master("m1"), Master("m2", port: 7011)));
        var masters = Replies.Items(host.Sentinel("masters"));
        Assert.Equal(["m1", "m2"], masters.Select(m => Replies.Fields(m)["name"]));
    }

    [Fact]
    public void UnknownMasterNamesGetTheSameError()
    {
        var host = Running();
        foreach (var sub in new[] { "master", "replicas", "slaves", "sentinels", "ckquorum", "remove", "failover" })
        {
            Assert.Equal("ERR No such master with that name", Replies.Error(host.Sentinel(sub, "nope")));
        }
        Assert.Equal("ERR No such master with that name", Replies.Error(host.Sentinel("set", "nope", "quorum", "1")));
    }

    [Fact]
    public void GetMasterAddrByNameGivesTwoBulksOrANullArray()
    {
        var host = Running();
        Assert.Equal(RespValue.Array(RespValue.Bulk(MasterIp), RespValue.Bulk("7001")), host.Sentinel("get-master-addr-by-name", "mymaster"));
        var none = Assert.IsType<RespNull>(host.Sentinel("get-master-addr-by-name", "nope"));
        Assert.True(none.IsNullArray);
    }

    [Fact]
    public void ArityAndUnknownSubcommandErrorsMatchTheReference()
    {
        var host = Running();
        Assert.Equal("ERR wrong number of arguments for 'sentinel' command", Replies.Error(host.Sentinel()));
        Assert.Equal("ERR wrong number of arguments for 'sentinel|masters' command", Replies.Error(host.Sentinel("MASTERS", "x")));
        Assert.Equal("ERR wrong number of arguments for 'sentinel|myid' command", Replies.Error(host.Sentinel("myid", "x")));
        Assert.Equal("ERR wrong number of arguments for 'sentinel|help' command", Replies.Error(host.Sentinel("help", "x")));
        Assert.Equal("ERR wrong number of arguments for 'sentinel|set' command", Replies.Error(host.Sentinel("set", "mymaster", "quorum")));
        Assert.Equal("ERR wrong number of arguments for 'sentinel|is-master-down-by-addr' command",
            Replies.Error(host.Sentinel("is-master-down-by-addr", MasterIp, "7001", "1")));
        Assert.Equal("ERR wrong number of arguments for 'sentinel|info-cache' command", Replies.Error(host.Sentinel("info-cache")));
        Assert.Equal("ERR unknown subcommand 'Foo'. Try SENTINEL HELP.", Replies.Error(host.Sentinel("Foo")));
    }

    [Fact]
    public void SubcommandsAreCaseInsensitive()
    {
        var host = Running();
        Assert.Equal(host.Core.MyId, Replies.Text(host.Sentinel("MyId")));
        Assert.Equal(40, host.Core.MyId.Length);
    }

    [Fact]
    public void HelpIsFortyNineStatusLines()
    {
        var host = Running();
        var lines = Replies.Items(host.Sentinel("help"));
        Assert.Equal(49, lines.Count);
        Assert.All(lines, l => Assert.IsType<RespSimpleString>(l));
        Assert.Equal("SENTINEL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", Replies.Text(lines[0]));
        Assert.Equal("    Prints this help.", Replies.Text(lines[^1]));
    }

    [Fact]
    public void CkQuorumReportsUsableSentinels()
    {
        var host = Running();
        Assert.Equal("OK 2 usable Sentinels. Quorum and failover authorization can be reached",
            Assert.IsType<RespSimpleString>(host.Sentinel("ckquorum", "mymaster")).Text);

        host.Sentinel("set", "mymaster", "quorum", "3");
        Assert.Equal("NOQUORUM 2 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master",
            Replies.Error(host.Sentinel("ckquorum", "mymaster")));
    }

    [Fact]
    public void CkQuorumNamesBothFailuresWhenPeersAreDown()
    {
        var host = Running();
        host.PublishHello($"10.0.0.10,7110,{PeerB},0,mymaster,{MasterIp},{MasterPort},0");
        host.PublishHello($"10.0.0.11,7111,{PeerC},0,mymaster,{MasterIp},{MasterPort},0");
        host.Sentinel("set", "mymaster", "quorum", "3");
        host.Kill(host.Nodes[("10.0.0.9", 7109)]);
        host.Kill(host.Nodes[("10.0.0.10", 7110)]);
        host.Kill(host.Nodes[("10.0.0.11", 7111)]);
        host.RunFor(7000); // no peer is reachable any more: all SDOWN

        Assert.Equal("NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master. "
            + "Not enough available Sentinels to reach the majority and authorize a failover", Replies.Error(host.Sentinel("ckquorum", "mymaster")));
    }

    [Fact]
    public void PendingScriptsIsEmpty() => Assert.Empty(Replies.Items(Running().Sentinel("pending-scripts")));

    [Fact]
    public void FailoverWithNoUsableReplicaIsRefusedWithNoGoodSlave()
    {
        var host = Running();
        host.Nodes[(ReplicaIp, ReplicaPort)].Info = ReplicaInfo(RunId('r'), MasterIp, MasterPort, priority: 0);
        host.RunFor(11_000);

        Assert.Equal("NOGOODSLAVE No suitable replica to promote", Replies.Error(host.Sentinel("failover", "mymaster")));
        Assert.DoesNotContain("failover_in_progress", Replies.Fields(host.Sentinel("master", "mymaster"))["flags"]);
    }

    [Fact]
    public void RoleListsTheMasters()
    {
        var host = new SimulatedHost(ConfigOf(Master("m1"), Master("m2", port: 7011)));
        Assert.Equal(RespValue.Array(RespValue.Bulk("sentinel"), RespValue.Array(RespValue.Bulk("m1"), RespValue.Bulk("m2"))), host.Role());
    }

    [Fact]
    public void InfoSectionHasTheReferenceLines()
    {
        var host = Running();
        Assert.Equal(
            "# Sentinel\r\nsentinel_masters:1\r\nsentinel_tilt:0\r\nsentinel_tilt_since_seconds:-1\r\nsentinel_running_scripts:0\r\n"
            + "sentinel_scripts_queue_length:0\r\nsentinel_simulate_failure_flags:0\r\n"
            + $"master0:name=mymaster,status=ok,address={MasterIp}:{MasterPort},slaves=1,sentinels=2\r\n",
            host.InfoSentinelSection());
    }

    [Fact]
    public void DebugListsThirteenParametersAndChangesThem()
    {
        var host = Running();
        var keys = Replies.Keys(host.Sentinel("debug"));
        Assert.Equal(["INFO-PERIOD", "PING-PERIOD", "ASK-PERIOD", "PUBLISH-PERIOD", "DEFAULT-DOWN-AFTER", "DEFAULT-FAILOVER-TIMEOUT",
            "TILT-TRIGGER", "TILT-PERIOD", "SLAVE-RECONF-TIMEOUT", "MIN-LINK-RECONNECT-PERIOD", "ELECTION-TIMEOUT",
            "SCRIPT-MAX-RUNTIME", "SCRIPT-RETRY-DELAY"], keys);

        Assert.Equal(RespValue.Ok, host.Sentinel("debug", "ping-period", "500", "INFO-period", "2000"));
        var fields = Replies.Fields(host.Sentinel("debug"));
        Assert.Equal("500", fields["PING-PERIOD"]);
        Assert.Equal("2000", fields["INFO-PERIOD"]);
    }

    [Fact]
    public void DebugErrorsKeepEarlierPairs()
    {
        var host = Running();
        Assert.Equal("ERR Invalid argument '0' for SENTINEL DEBUG 'ask-period'", Replies.Error(host.Sentinel("debug", "tilt-period", "5000", "ask-period", "0")));
        Assert.Equal("ERR Unknown option or number of arguments for SENTINEL DEBUG 'x'", Replies.Error(host.Sentinel("debug", "x")));
        Assert.Equal("ERR Unknown option or number of arguments for SENTINEL DEBUG 'ping-period'", Replies.Error(host.Sentinel("debug", "ping-period")));
        Assert.Equal("5000", Replies.Fields(host.Sentinel("debug"))["TILT-PERIOD"]);
    }

    [Fact]
    public void DebugPingPeriodChangesThePingRate()
    {
        var host = Running();
        host.Sentinel("debug", "ping-period", "200");
        long from = host.Now;
        host.RunFor(2000);
        // At 200 ms a period is finer than an eighth of down-after (5 s): masters are probed once a period too.
        Assert.InRange(host.ProbeTimesOf(ReplicaIp, ReplicaPort).Distinct().Count(t => t > from), 9, 11);
        Assert.InRange(host.ProbeTimesOf(MasterIp, MasterPort).Distinct().Count(t => t > from), 9, 11);

        host.Sentinel("debug", "ping-period", "4000");
        host.RunFor(4000);
        from = host.Now;
        host.RunFor(8000);
        // At 4 s, replicas once a period (4 s, under down-after); masters four times a period (1 s, the finest allowed).
        Assert.InRange(host.ProbeTimesOf(ReplicaIp, ReplicaPort).Distinct().Count(t => t > from), 1, 3);
        Assert.InRange(host.ProbeTimesOf(MasterIp, MasterPort).Distinct().Count(t => t > from), 7, 9);
    }

    [Fact]
    public void SimulateFailureSetsFlagsLeftToRight()
    {
        var host = Running();
        Assert.Equal(RespValue.Ok, host.Sentinel("simulate-failure", "crash-after-election", "crash-after-promotion"));
        Assert.Contains("sentinel_simulate_failure_flags:3", host.InfoSentinelSection());

        Assert.Equal("ERR Unknown failure simulation specified", Replies.Error(host.Sentinel("simulate-failure", "crash-after-promotion", "bogus")));
        Assert.Contains("sentinel_simulate_failure_flags:2", host.InfoSentinelSection());

        Assert.Equal(RespValue.Array(RespValue.Bulk("crash-after-election"), RespValue.Bulk("crash-after-promotion")), host.Sentinel("simulate-failure", "help"));
    }

    [Fact]
    public void ConfigGetListsTheSevenParametersInOrder()
    {
        var host = Running();
        var fields = Assert.IsType<RespMap>(host.Sentinel("config", "get", "*")); // the fixtures log at debug level
        Assert.Equal(["resolve-hostnames", "announce-hostnames", "announce-ip", "announce-port", "sentinel-user", "sentinel-pass", "loglevel"],
            Replies.Keys(fields));
        Assert.Equal(["no", "no", "", "0", "", "", "debug"], fields.Entries.Select(e => Replies.Text(e.Value)));
        Assert.Equal(["announce-ip", "announce-port"], Replies.Keys(host.Sentinel("CONFIG", "GET", "ANNOUNCE-[ip]*")));
    }

    [Fact]
    public void ConfigGetTakesSeveralPatternsAndListsEachParameterOnce()
    {
        var host = Running();
        Assert.Equal(["loglevel"], Replies.Keys(host.Sentinel("config", "get", "log*", "*level", "loglevel")));
        Assert.Equal(["resolve-hostnames"], Replies.Keys(host.Sentinel("config", "get", "resolve-hostnames", "resolve-hostnames", "does-not-exist")));
        Assert.Equal(["announce-port", "resolve-hostnames", "announce-hostnames"],
            Replies.Keys(host.Sentinel("config", "get", "announce-port", "*-hostnames")));
        Assert.Empty(Replies.Keys(host.Sentinel("config", "get", "nothing-like-it")));
    }

    [Fact]
    public void ConfigSetValidatesAndSaves()
    {
        var host = Running();
        Assert.Equal(RespValue.Ok, host.Sentinel("config", "set", "announce-port", "9000"));
        Assert.Equal("9000", Replies.Fields(host.Sentinel("config", "get", "announce-port"))["announce-port"]);
        Assert.Equal(9000, host.EffectsOf<PersistState>().Last().State.Sentinel.AnnouncePort);

        Assert.Equal("ERR Invalid value '70000' to SENTINEL CONFIG SET 'announce-port'", Replies.Error(host.Sentinel("config", "set", "announce-port", "70000")));
        Assert.Equal("ERR Invalid value 'maybe' to SENTINEL CONFIG SET 'resolve-hostnames'", Replies.Error(host.Sentinel("config", "set", "resolve-hostnames", "maybe")));
        Assert.Equal("ERR Invalid value 'loud' to SENTINEL CONFIG SET 'loglevel'", Replies.Error(host.Sentinel("config", "set", "loglevel", "loud")));
        Assert.Equal("ERR Invalid argument 'bogus' to SENTINEL CONFIG SET", Replies.Error(host.Sentinel("config", "set", "bogus", "1")));
        Assert.Equal("ERR wrong number of arguments for 'sentinel|config' command", Replies.Error(host.Sentinel("config", "get")));
        const string usage = "ERR Only SENTINEL CONFIG GET <param> [<param> <param> ...] / SET <param> <value> [<param> <value> ...] are supported.";
        Assert.Equal(usage, Replies.Error(host.Sentinel("config", "set", "announce-port")));
        Assert.Equal(usage, Replies.Error(host.Sentinel("config", "rewrite", "x")));
    }

    [Fact]
    public void ConfigSetOfSeveralParametersIsAllOrNothing()
    {
        var host = Running();
        Assert.Equal(RespValue.Ok, host.Sentinel("config", "set", "resolve-hostnames", "yes", "announce-port", "1234"));
        Assert.Equal(["yes", "1234"], Replies.Values(host.Sentinel("config", "get", "resolve-hostnames", "announce-port")));
        int saves = host.EffectsOf<PersistState>().Count();

        Assert.Equal("ERR Duplicate argument 'ANNOUNCE-PORT' to SENTINEL CONFIG SET",
            Replies.Error(host.Sentinel("config", "set", "announce-port", "1", "resolve-hostnames", "no", "ANNOUNCE-PORT", "2")));
        Assert.Equal("ERR Invalid argument 'does-not-exist' to SENTINEL CONFIG SET",
            Replies.Error(host.Sentinel("config", "set", "announce-port", "1", "does-not-exist", "yes")));
        Assert.Equal("ERR Invalid value '-1234' to SENTINEL CONFIG SET 'announce-port'",
            Replies.Error(host.Sentinel("config", "set", "resolve-hostnames", "no", "announce-port", "-1234")));
        Assert.Equal("ERR Missing argument 'announce-ip' value",
            Replies.Error(host.Sentinel("config", "set", "resolve-hostnames", "no", "announce-port", "1", "announce-ip")));

        // None of the refused calls changed or saved anything, not even the valid pairs before the bad one.
        Assert.Equal(["yes", "1234"], Replies.Values(host.Sentinel("config", "get", "resolve-hostnames", "announce-port")));
        Assert.Equal(saves, host.EffectsOf<PersistState>().Count());
    }

    [Fact]
    public void ConfigSetLoglevelFiltersTheCoreLogAndTellsTheHost()
    {
        var host = Running();
        Assert.Equal(RespValue.Ok, host.Sentinel("config", "set", "loglevel", "WARNING"));
        Assert.Equal("warning", Replies.Fields(host.Sentinel("config", "get", "loglevel"))["loglevel"]);
        Assert.Equal(LogLevel.Warning, host.EffectsOf<SetLogLevel>().Last().Level);
        Assert.Equal(LogLevel.Warning, host.EffectsOf<PersistState>().Last().State.Sentinel.LogLevel);

        // A notice-level event is no longer logged; a warning still is.
        int logged = host.EffectsOf<Log>().Count();
        host.Sentinel("config", "set", "announce-port", "1");
        host.Sentinel("set", "mymaster", "quorum", "1");
        var lines = host.EffectsOf<Log>().Skip(logged).ToList();
        Assert.Contains(lines, l => l.Message.Contains("+set", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.True(l.Level >= LogLevel.Warning));

        foreach (string level in new[] { "debug", "verbose", "notice", "warning", "nothing" })
        {
            Assert.Equal(RespValue.Ok, host.Sentinel("config", "set", "loglevel", level));
            Assert.Equal(level, Replies.Fields(host.Sentinel("config", "get", "loglevel"))["loglevel"]);
        }
    }

    [Fact]
    public void ChangingSentinelPassDropsPeerLinks()
    {
        var host = Running();
        host.AddNode("10.0.0.9", 7109);
        host.RunFor(1100);
        var peerLink = host.LinksTo("10.0.0.9", 7109, LinkRole.Command).Single();

        host.Sentinel("config", "set", "sentinel-pass", "pw");
        Assert.Contains(host.EffectsOf<CloseLink>(), c => c.Link == peerLink);
        host.RunFor(1100);
        Assert.Equal(["AUTH", "pw"], host.CommandsTo("10.0.0.9", 7109).Last(a => a[0] == "AUTH"));
    }

    [Fact]
    public void FlushConfigSavesTheState()
    {
        var host = Running();
        int before = host.EffectsOf<PersistState>().Count();
        Assert.Equal(RespValue.Ok, host.Sentinel("flushconfig"));
        Assert.Equal(before + 1, host.EffectsOf<PersistState>().Count());
    }

    [Fact]
    public void ResetForgetsReplicasAndPeersOfMatchingMasters()
    {
        var host = new SimulatedHost(ConfigOf(Master("m1"), Master("other", port: 7011)));
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m'), (ReplicaIp, ReplicaPort)));
        host.PublishHello($"10.0.0.9,7109,{PeerA},0,m1,{MasterIp},{MasterPort},0");
        host.RunFor(100);
        Assert.Equal("1", Replies.Fields(host.Sentinel("master", "m1"))["num-slaves"]);

        Assert.Equal(RespValue.Integer(1), host.Sentinel("reset", "m?"));
        var fields = Replies.Fields(host.Sentinel("master", "m1"));
        Assert.Equal("0", fields["num-slaves"]);
        Assert.Equal("0", fields["num-other-sentinels"]);
        Assert.Equal($"master m1 {MasterIp} {MasterPort}", Assert.Single(host.Events("+reset-master")).Message);
        Assert.Equal(RespValue.Integer(0), host.Sentinel("reset", "M*"));
    }
}
