using Vigil.Sentinel.State;
using Vigil.Resp;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;

namespace Vigil.Sentinel.Tests;

public sealed class MasterAdministrationTests
{
    private static SimulatedHost Running(bool allowScripts = false)
    {
        var config = ConfigOf() with { Sentinel = new SentinelOptions { DenyScriptsReconfig = !allowScripts } };
        var host = new SimulatedHost(config);
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m'), (ReplicaIp, ReplicaPort)));
        host.AddNode(ReplicaIp, ReplicaPort, ReplicaInfo(RunId('r'), MasterIp, MasterPort));
        host.RunFor(1000);
        return host;
    }

    [Theory]
    [InlineData("x", "2", "ERR Invalid port")]
    [InlineData("7001", "y", "ERR Invalid quorum")]
    [InlineData("x", "y", "ERR Invalid quorum")]
    [InlineData("7001", "0", "ERR Quorum must be 1 or greater.")]
    [InlineData("70000", "2", "ERR Invalid port number.")]
    public void MonitorValidatesInTheReferenceOrder(string port, string quorum, string error)
    {
        var host = Running();
        Assert.Equal(error, Replies.Error(host.Sentinel("monitor", "new", "10.0.0.5", port, quorum)));
    }

    [Fact]
    public void MonitorRefusesHostnamesAndDuplicates()
    {
        var host = Running();
        Assert.Equal("ERR Invalid IP address or hostname specified", Replies.Error(host.Sentinel("monitor", "new", "redis.example", "7001", "2")));
        Assert.Equal("ERR Duplicate master name.", Replies.Error(host.Sentinel("monitor", "mymaster", "10.0.0.5", "7001", "2")));
    }

    [Fact]
    public void MonitorAddsAMasterWithDebugDefaultsAndSaves()
    {
        var host = Running();
        host.Sentinel("debug", "default-down-after", "1000");
        Assert.Equal(RespValue.Ok, host.Sentinel("monitor", "new", "10.0.0.5", "7005", "3"));

        Assert.Equal("master new 10.0.0.5 7005 quorum 3", host.Events("+monitor").Last().Message);
        var fields = Replies.Fields(host.Sentinel("master", "new"));
        Assert.Equal("1000", fields["down-after-milliseconds"]);
        Assert.Equal("180000", fields["failover-timeout"]);
        Assert.Equal("3", fields["quorum"]);
        var saved = host.EffectsOf<PersistState>().Last().State.Masters.Single(m => m.Name == "new");
        Assert.Null(saved.ConfigBaseline);
        host.RunFor(10);
        Assert.Contains(host.EffectsOf<OpenLink>(), o => o.Host == "10.0.0.5" && o.Port == 7005);
    }

    [Fact]
    public void RemoveForgetsTheMasterAndClosesItsLinks()
    {
        var host = Running();
        Assert.Equal(RespValue.Ok, host.Sentinel("remove", "mymaster"));

        Assert.Equal($"master mymaster {MasterIp} {MasterPort}", Assert.Single(host.Events("-monitor")).Message);
        Assert.Empty(Replies.Items(host.Sentinel("masters")));
        Assert.Equal(4, host.EffectsOf<CloseLink>().Count());
        var saved = host.EffectsOf<PersistState>().Last().State;
        Assert.Empty(saved.Masters);
        Assert.Equal("mymaster", Assert.Single(saved.RemovedMasters).Name);
    }

    [Fact]
    public void SetAppliesOptionsAndEmitsOneEventEach()
    {
        var host = Running();
        Assert.Equal(RespValue.Ok, host.Sentinel("set", "mymaster", "quorum", "3", "down-after-milliseconds", "2000",
            "failover-timeout", "9000", "parallel-syncs", "4", "master-reboot-down-after-period", "0"));

        var fields = Replies.Fields(host.Sentinel("master", "mymaster"));
        Assert.Equal(("3", "2000", "9000", "4"), (fields["quorum"], fields["down-after-milliseconds"], fields["failover-timeout"], fields["parallel-syncs"]));
        Assert.Equal([
            $"master mymaster {MasterIp} {MasterPort} quorum 3",
            $"master mymaster {MasterIp} {MasterPort} down-after-milliseconds 2000",
            $"master mymaster {MasterIp} {MasterPort} failover-timeout 9000",
            $"master mymaster {MasterIp} {MasterPort} parallel-syncs 4",
            $"master mymaster {MasterIp} {MasterPort} master-reboot-down-after-period 0",
        ], host.Events("+set").Select(e => e.Message));
        Assert.Equal("2000", Replies.Fields(Replies.Items(host.Sentinel("replicas", "mymaster")).Single())["down-after-milliseconds"]);
        Assert.Equal(3, host.EffectsOf<PersistState>().Last().State.Masters[0].Settings.Quorum);
    }

    [Theory]
    [InlineData("quorum", "0")]
    [InlineData("quorum", "-1")]
    [InlineData("down-after-milliseconds", "0")]
    [InlineData("failover-timeout", "abc")]
    [InlineData("parallel-syncs", "0")]
    [InlineData("master-reboot-down-after-period", "-5")]
    public void SetRejectsBadNumbers(string option, string value)
    {
        var host = Running();
        Assert.Equal($"ERR Invalid argument '{value}' for SENTINEL SET '{option}'", Replies.Error(host.Sentinel("set", "mymaster", option, value)));
        Assert.Empty(host.Events("+set"));
    }

    [Fact]
    public void SetKeepsChangesBeforeTheFirstError()
    {
        var host = Running();
        int saves = host.EffectsOf<PersistState>().Count();
        Assert.Equal("ERR Unknown option or number of arguments for SENTINEL SET 'bogus'",
            Replies.Error(host.Sentinel("set", "mymaster", "quorum", "5", "bogus", "1")));

        Assert.Equal("5", Replies.Fields(host.Sentinel("master", "mymaster"))["quorum"]);
        Assert.Equal(saves + 1, host.EffectsOf<PersistState>().Count());
    }

    [Fact]
    public void SetOptionWithoutItsValueIsUnknown()
    {
        var host = Running();
        Assert.Equal("ERR Unknown option or number of arguments for SENTINEL SET 'quorum'",
            Replies.Error(host.Sentinel("set", "mymaster", "down-after-milliseconds", "2000", "quorum")));
    }

    [Fact]
    public void AuthPassIsRedactedAndDropsDataNodeLinks()
    {
        var host = Running();
        int closes = host.EffectsOf<CloseLink>().Count();
        Assert.Equal(RespValue.Ok, host.Sentinel("set", "mymaster", "auth-pass", "hunter2"));

        Assert.Equal($"master mymaster {MasterIp} {MasterPort} auth-pass ******", Assert.Single(host.Events("+set")).Message);
        Assert.Equal(closes + 4, host.EffectsOf<CloseLink>().Count());
        host.RunFor(1100);
        Assert.Equal(["AUTH", "hunter2"], host.CommandsTo(ReplicaIp, ReplicaPort).Last(a => a[0] == "AUTH"));
    }

    [Fact]
    public void RenameCommandMapsReplacesAndUnmaps()
    {
        var host = Running();
        Assert.Equal(RespValue.Ok, host.Sentinel("set", "mymaster", "rename-command", "PING", "p1"));
        Assert.Equal($"master mymaster {MasterIp} {MasterPort} rename-command PING p1", Assert.Single(host.Events("+set")).Message);
        int before = host.CommandsTo(MasterIp, MasterPort).Count();
        host.RunFor(1500);
        var later = host.CommandsTo(MasterIp, MasterPort).Skip(before).Select(a => a[0]).ToList();
        Assert.Contains("p1", later);
        Assert.DoesNotContain("PING", later);

        host.Sentinel("set", "mymaster", "rename-command", "ping", "p2");
        Assert.Equal([new CommandRename("ping", "p2")], host.Core.State.Masters[0].Settings.RenameCommands);
        host.Sentinel("set", "mymaster", "rename-command", "PING", "ping");
        Assert.Empty(host.Core.State.Masters[0].Settings.RenameCommands);

        Assert.Equal("ERR Invalid argument '' for SENTINEL SET 'rename-command'", Replies.Error(host.Sentinel("set", "mymaster", "rename-command", "", "x")));
        Assert.Equal("ERR Invalid argument '' for SENTINEL SET 'rename-command'", Replies.Error(host.Sentinel("set", "mymaster", "rename-command", "x", "")));
    }

    [Fact]
    public void ScriptPathsAreDeniedByDefault()
    {
        var host = Running();
        Assert.Equal("ERR Reconfiguration of scripts path is denied for security reasons. Check the deny-scripts-reconfig configuration directive in your Sentinel configuration",
            Replies.Error(host.Sentinel("set", "mymaster", "notification-script", "/ok/n.sh")));
    }

    [Fact]
    public void ScriptPathsMustBeExecutableWhenAllowed()
    {
        var host = Running(allowScripts: true);
        Assert.Equal("ERR Notification script seems non existing or non executable",
            Replies.Error(host.Sentinel("set", "mymaster", "notification-script", "/bad/n.sh")));
        Assert.Equal("ERR Client reconfiguration script seems non existing or non executable",
            Replies.Error(host.Sentinel("set", "mymaster", "client-reconfig-script", "/bad/c.sh")));

        Assert.Equal(RespValue.Ok, host.Sentinel("set", "mymaster", "notification-script", "/ok/n.sh", "client-reconfig-script", "/ok/c.sh"));
        var fields = Replies.Fields(host.Sentinel("master", "mymaster"));
        Assert.Equal("/ok/n.sh", fields["notification-script"]);
        Assert.Equal("/ok/c.sh", fields["client-reconfig-script"]);

        Assert.Equal(RespValue.Ok, host.Sentinel("set", "mymaster", "notification-script", ""));
        Assert.DoesNotContain("notification-script", Replies.Keys(host.Sentinel("master", "mymaster")));
    }
}
