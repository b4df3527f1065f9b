using System.Text;
using Vigil.Resp;
using Vigil.Sentinel.Commands;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.Tests.Support;

namespace Vigil.Sentinel.Tests;

/// <summary>
/// Hostnames are resolved by the host, off the core's loop: the core asks with <see cref="ResolveHostname"/>, keeps
/// the answers (<see cref="HostnameResolved"/>) for a while, and makes whoever needs a current answer wait for it.
/// What clients see stays the reference's.
/// </summary>
public sealed class HostnameTests
{
    private const string Name = "db.example";

    private static SentinelConfig ResolvingConfig(string masterHost = Fixtures.MasterIp) =>
        Fixtures.ConfigOf(Fixtures.Master(host: masterHost)) with { Sentinel = new SentinelOptions { ResolveHostnames = true } };

    private static SimulatedHost HostHoldingAnswers(SentinelConfig? config = null, CoreOptions? options = null)
    {
        return new SimulatedHost(config ?? ResolvingConfig(), options: options, holdHostnames: true);
    }

    private static long Monitor(SimulatedHost host, string name, string address)
    {
        long id = host.NextRequestId;
        var answer = host.Request((now, rid) => new SentinelRequest(now, rid, new[] { "monitor", name, address, "7001", "2" }.Select(Encoding.UTF8.GetBytes).ToList()));
        Assert.Null(answer);
        return id;
    }

    [Fact]
    public void MonitorOfAHostnameRepliesOnceTheHostAnswered()
    {
        var host = HostHoldingAnswers();
        long id = Monitor(host, "other", Name);
        Assert.Equal([Name], host.HostnamesAsked);

        host.Hostnames[Name] = "10.0.0.5";
        host.AnswerHostnames();

        Assert.Equal(RespValue.Ok, Assert.IsType<Reply>(host.AnswerTo(id)).Value);
        var master = Replies.Fields(host.Sentinel("master", "other"));
        Assert.Equal("10.0.0.5", master["ip"]);
    }

    [Fact]
    public void MonitorOfAHostnameThatDoesNotResolveGetsTheReferenceError()
    {
        var host = HostHoldingAnswers();
        long id = Monitor(host, "other", Name);
        host.AnswerHostnames(); // no address for it

        Assert.Equal("ERR Invalid IP address or hostname specified", Replies.Error(Assert.IsType<Reply>(host.AnswerTo(id)).Value));
        Assert.IsType<RespError>(host.Sentinel("master", "other"));
    }

    [Fact]
    public void WithoutResolveHostnamesAHostnameIsRefusedAndNeverAsked()
    {
        var host = new SimulatedHost();
        Assert.Equal("ERR Invalid IP address or hostname specified", Replies.Error(host.Sentinel("monitor", "other", Name, "7001", "2")));
        Assert.Empty(host.EffectsOf<ResolveHostname>());
    }

    [Fact]
    public void AnAnswerIsReusedWhileCurrentAndAskedAgainOnceItExpired()
    {
        var host = new SimulatedHost(ResolvingConfig());
        host.Hostnames[Name] = "10.0.0.5";
        Assert.Equal(RespValue.Ok, host.Sentinel("monitor", "a", Name, "7001", "2"));
        Assert.Equal(RespValue.Ok, host.Sentinel("monitor", "b", Name, "7002", "2"));
        Assert.Single(host.EffectsOf<ResolveHostname>());

        host.RunFor(Limits.HostnameAnswerTtlMs);
        Assert.Equal(RespValue.Ok, host.Sentinel("monitor", "c", Name, "7003", "2"));
        Assert.True(host.EffectsOf<ResolveHostname>().Count(r => r.Hostname == Name) >= 2);
    }

    [Fact]
    public void ALinkToAMasterKnownByNameWaitsForItsAddress()
    {
        var host = HostHoldingAnswers(ResolvingConfig(Name));
        host.AddNode("10.0.0.5", Fixtures.MasterPort, Fixtures.MasterInfo(Fixtures.RunId('m')));
        host.RunFor(3000);
        Assert.Empty(host.EffectsOf<OpenLink>());
        Assert.Equal([Name], host.HostnamesAsked);

        host.Hostnames[Name] = "10.0.0.5";
        host.AnswerHostnames();
        host.RunFor(100);

        var open = Assert.Single(host.EffectsOf<OpenLink>(), o => o.Role == LinkRole.Command);
        Assert.Equal("10.0.0.5", open.Host);
        Assert.Equal("10.0.0.5", Replies.Fields(host.Sentinel("master", "mymaster"))["ip"]);
    }

    [Fact]
    public void AMasterWhoseNameMovesToANewAddressIsReachedThereAfterItsLinkDrops()
    {
        var options = Fixtures.Options() with { ResolvedHostnames = new Dictionary<string, string?> { [Name] = "10.0.0.5" } };
        var host = new SimulatedHost(ResolvingConfig(Name), options: options);
        host.Hostnames[Name] = "10.0.0.5";
        var first = host.AddNode("10.0.0.5", Fixtures.MasterPort, Fixtures.MasterInfo(Fixtures.RunId('m')));
        host.RunFor(2000);
        Assert.Equal("10.0.0.5", Assert.Single(host.EffectsOf<OpenLink>(), o => o.Role == LinkRole.Command).Host);
        // The seeded answer was used: nothing asked at start.
        Assert.DoesNotContain(host.Timeline, t => t.Effect is ResolveHostname && t.AtMs == Fixtures.StartMs);

        // The instance comes back on another IP, and the name follows it.
        host.Kill(first);
        host.AddNode("10.0.0.9", Fixtures.MasterPort, Fixtures.MasterInfo(Fixtures.RunId('m')));
        host.Hostnames[Name] = "10.0.0.9";
        host.RunFor(3000);

        Assert.Contains(host.EffectsOf<OpenLink>(), o => o.Role == LinkRole.Command && o.Host == "10.0.0.9");
        var master = Replies.Fields(host.Sentinel("master", "mymaster"));
        Assert.Equal("10.0.0.9", master["ip"]);
        Assert.DoesNotContain("s_down", master["flags"], StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyTheWordsAfterAScriptOptionOfSetAreScriptPaths()
    {
        static List<byte[]> Words(params string[] words) => words.Select(Encoding.UTF8.GetBytes).ToList();

        Assert.Equal(["/a.sh", "/b.sh"], ScriptPathArguments.Of(Words("SET", "m", "notification-script", "/a.sh", "quorum", "2", "CLIENT-RECONFIG-SCRIPT", "/b.sh")));
        Assert.Empty(ScriptPathArguments.Of(Words("set", "m", "notification-script", "")));
        Assert.Empty(ScriptPathArguments.Of(Words("monitor", "notification-script", "/a.sh", "1", "2")));
    }

    [Fact]
    public void ASetScriptIsAcceptedOnlyWhenTheHostFoundItExecutable()
    {
        var config = Fixtures.ConfigOf() with { Sentinel = new SentinelOptions { DenyScriptsReconfig = false } };
        var host = new SimulatedHost(config);
        Assert.Equal(RespValue.Ok, host.Sentinel("set", "mymaster", "notification-script", "/ok/notify.sh"));
        Assert.Equal("ERR Notification script seems non existing or non executable",
            Replies.Error(host.Sentinel("set", "mymaster", "notification-script", "/missing/notify.sh")));
        // A request the host attached no checks to accepts no script.
        host.Feed(new SentinelRequest(host.Now, 999, new[] { "set", "mymaster", "client-reconfig-script", "/ok/x.sh" }.Select(Encoding.UTF8.GetBytes).ToList()));
        Assert.Equal("ERR Client reconfiguration script seems non existing or non executable",
            Replies.Error(Assert.IsType<Reply>(host.AnswerTo(999)).Value));
    }
}
