using Vigil.Sentinel.Config;
using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;

namespace Vigil.Sentinel.Tests;

public sealed class LinkHandshakeTests
{
    [Fact]
    public void FirstTickOpensCommandAndPubSubLinksToTheMaster()
    {
        var host = new SimulatedHost();
        Assert.Equal(StartMs, host.Core.NextWakeMs);
        host.Tick(StartMs);

        var opens = host.EffectsOf<OpenLink>().ToList();
        Assert.Equal(2, opens.Count);
        Assert.Contains(opens, o => o is { Host: MasterIp, Port: MasterPort, Role: LinkRole.Command });
        Assert.Contains(opens, o => o is { Host: MasterIp, Port: MasterPort, Role: LinkRole.PubSub });
        Assert.NotEqual(opens[0].Link, opens[1].Link);
    }

    [Fact]
    public void AHostWhoseClockStartsAtZeroOpensTheLinksInTheFirstTickAndSeesNoSdown()
    {
        // A host's monotonic clock may start near zero at process start. A link that was never opened must count as
        // opened long ago, not at time zero: otherwise the first connection waited a ping period, and with
        // down-after at most a period the master went SDOWN (and, with quorum 1, ODOWN) before it was ever asked.
        var config = ConfigOf(Master(quorum: 1) with { DownAfterMs = 1000 });
        var host = new SimulatedHost(config, options: Options() with { StartNowMs = 0 });
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m')));
        host.Tick(0);

        Assert.Contains(host.EffectsOf<OpenLink>(), o => o is { Host: MasterIp, Port: MasterPort, Role: LinkRole.Command });
        host.RunFor(3000);
        Assert.Empty(host.Events("+sdown"));
        Assert.Empty(host.Events("+odown"));
    }

    [Fact]
    public void CommandLinkIsNamedThenPinged()
    {
        var host = new SimulatedHost();
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m')));
        host.Tick(StartMs);

        var command = host.EffectsOf<OpenLink>().Single(o => o.Role == LinkRole.Command).Link;
        var sent = host.EffectsOf<SendCommand>().Where(s => s.Link == command).Select(s => string.Join(' ', s.Args)).ToList();
        Assert.Equal($"CLIENT SETNAME sentinel-{host.Core.MyId[..8]}-cmd", sent[0]);
        Assert.Equal("PING", sent[1]);
    }

    [Fact]
    public void PubSubLinkIsNamedThenSubscribedToHellos()
    {
        var host = new SimulatedHost();
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m')));
        host.Tick(StartMs);

        var pubsub = host.EffectsOf<OpenLink>().Single(o => o.Role == LinkRole.PubSub).Link;
        var sent = host.EffectsOf<SendCommand>().Where(s => s.Link == pubsub).Select(s => string.Join(' ', s.Args)).ToList();
        Assert.Equal([$"CLIENT SETNAME sentinel-{host.Core.MyId[..8]}-pubsub", "SUBSCRIBE __sentinel__:hello"], sent);
    }

    [Fact]
    public void AuthComesFirstWithUserAndPassOfTheMaster()
    {
        var master = Master() with { AuthUser = "watcher", AuthPass = "s3cret" };
        var host = new SimulatedHost(ConfigOf(master));
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m')));
        host.Tick(StartMs);

        foreach (var open in host.EffectsOf<OpenLink>())
        {
            var first = host.EffectsOf<SendCommand>().First(s => s.Link == open.Link);
            Assert.Equal(["AUTH", "watcher", "s3cret"], first.Args);
        }
    }

    [Fact]
    public void RenamedCommandsAreUsedTowardDataNodes()
    {
        var master = Master() with
        {
            RenameCommands = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["PING"] = "ping-x", ["CLIENT"] = "client-x" },
        };
        var host = new SimulatedHost(ConfigOf(master));
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m')));
        host.Tick(StartMs);

        var commands = host.CommandsTo(MasterIp, MasterPort).Select(a => a[0]).ToList();
        Assert.Contains("ping-x", commands);
        Assert.Contains("client-x", commands);
        Assert.DoesNotContain("PING", commands);
    }

    [Fact]
    public void RefusedConnectionIsRetriedAtMostOncePerPingPeriod()
    {
        var host = new SimulatedHost();
        host.RunFor(3500);

        var opens = host.EffectsOf<OpenLink>().Where(o => o.Role == LinkRole.Command).ToList();
        Assert.Equal(4, opens.Count); // at 0, 1000, 2000, 3000
        Assert.All(opens.Zip(opens.Skip(1)), pair => Assert.NotEqual(pair.First.Link, pair.Second.Link));
    }

    [Fact]
    public void PeersAreAuthenticatedWithSentinelPassElseRequirepass()
    {
        var config = ConfigOf() with { Server = new ServerOptions { Port = MyPort, RequirePass = "shared" } };
        var host = new SimulatedHost(config);
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m')));
        host.AddNode("10.0.0.9", 7109);
        host.Tick(StartMs);
        host.PublishHello($"10.0.0.9,7109,{PeerA},0,mymaster,{MasterIp},{MasterPort},0");
        host.RunFor(1000);

        var first = host.CommandsTo("10.0.0.9", 7109).First();
        Assert.Equal(["AUTH", "shared"], first);
    }

    [Fact]
    public void RenamesDoNotApplyToPeerSentinels()
    {
        var master = Master() with
        {
            RenameCommands = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["PING"] = "ping-x" },
        };
        var host = new SimulatedHost(ConfigOf(master));
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m')));
        host.AddNode("10.0.0.9", 7109);
        host.Tick(StartMs);
        host.PublishHello($"10.0.0.9,7109,{PeerA},0,mymaster,{MasterIp},{MasterPort},0");
        host.RunFor(1000);

        Assert.Contains(host.CommandsTo("10.0.0.9", 7109), a => a[0] == "PING");
    }
    [Fact]
    public void RefusedSubscribeDropsThePubSubLinkSoTheMasterShowsDisconnected()
    {
        var host = new SimulatedHost();
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m'))).RequirePass = "secret";
        host.Tick(StartMs);

        var pubsub = host.EffectsOf<OpenLink>().Single(o => o.Role == LinkRole.PubSub).Link;
        Assert.Contains(host.EffectsOf<CloseLink>(), c => c.Link == pubsub);
        Assert.Contains("disconnected", Replies.Fields(host.Sentinel("master", "mymaster"))["flags"], StringComparison.Ordinal);
    }

    [Fact]
    public void AnErrorToClientSetnameDoesNotDropThePubSubLink()
    {
        var host = new SimulatedHost { HoldReplies = true };
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m')));
        host.Tick(StartMs);
        var pubsub = host.EffectsOf<OpenLink>().Single(o => o.Role == LinkRole.PubSub).Link;

        // An instance with CLIENT renamed away refuses SETNAME; SUBSCRIBE still works, and so does the link.
        host.Core.Handle(new LinkReply(host.Now, pubsub, new Vigil.Resp.RespError("ERR unknown command 'CLIENT'")));
        host.Core.Handle(new LinkReply(host.Now, pubsub, Vigil.Resp.RespValue.Array(
            Vigil.Resp.RespValue.Bulk("subscribe"), Vigil.Resp.RespValue.Bulk("__sentinel__:hello"), Vigil.Resp.RespValue.Integer(1))));
        host.Pump();

        Assert.DoesNotContain(host.EffectsOf<CloseLink>(), c => c.Link == pubsub);
    }

    [Fact]
    public void CredentialsSetAtRunTimeLetTheNextPubSubLinkSubscribe()
    {
        var host = new SimulatedHost();
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m'))).RequirePass = "secret";
        host.Tick(StartMs);

        Assert.Equal(Vigil.Resp.RespValue.Ok, host.Sentinel("set", "mymaster", "auth-pass", "secret"));
        host.RunFor(1500);

        Assert.Equal("master", Replies.Fields(host.Sentinel("master", "mymaster"))["flags"]);
    }
    [Fact]
    public void AQueuedReplyToAPingReconnectsTheCommandLink()
    {
        var host = new SimulatedHost();
        var master = host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m')));
        host.Tick(StartMs);
        host.RunFor(3000);
        var firstCommand = host.EffectsOf<OpenLink>().Single(o => o.Role == LinkRole.Command).Link;

        // A MULTI left open on the connection: every command is queued from now on.
        master.PingReply = new Vigil.Resp.RespSimpleString("QUEUED");
        host.RunFor(1100);
        master.PingReply = new Vigil.Resp.RespSimpleString("PONG");
        host.RunFor(2000);

        Assert.Contains(host.EffectsOf<CloseLink>(), c => c.Link == firstCommand);
        var commandLinks = host.EffectsOf<OpenLink>().Where(o => o.Role == LinkRole.Command).ToList();
        Assert.True(commandLinks.Count >= 2, $"{commandLinks.Count} command connections");
        Assert.Contains(host.Sends(MasterIp, MasterPort), s => s.AtMs > StartMs + 4100 && s.Args[0] == "PING");
        Assert.Empty(host.Events("+sdown"));
    }
}
