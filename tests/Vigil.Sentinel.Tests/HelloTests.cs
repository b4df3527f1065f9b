using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;

namespace Vigil.Sentinel.Tests;

public sealed class HelloTests
{
    private static string Hello(string ip, int port, string runId, long epoch = 0, string master = "mymaster", long configEpoch = 0) =>
        $"{ip},{port},{runId},{epoch},{master},{MasterIp},{MasterPort},{configEpoch}";

    [Theory]
    [InlineData("10.0.0.9,7109,id,0,mymaster,10.0.0.1,7001,0", "mymaster")]
    [InlineData("10.0.0.9,7109,id,0,,10.0.0.1,7001,0", "")]
    [InlineData("10.0.0.9,7109,id,0,mymaster,10.0.0.1,7001", "")]
    [InlineData("10.0.0.9,7109,id,0,mymaster,10.0.0.1,7001,0,extra", "")]
    [InlineData("", "")]
    public void AHelloIsReadOnlyWhenItHasEightFields(string payload, string expected)
    {
        Assert.Equal(expected, Vigil.Sentinel.Discovery.HelloMessage.TryParse(payload, new Vigil.Sentinel.Text.TextInterner())?.MasterName ?? "");
    }

    [Fact]
    public void AHelloIsReadFieldByFieldAndItsTextsAreSharedWithTheHelloBeforeIt()
    {
        var texts = new Vigil.Sentinel.Text.TextInterner();
        var first = Vigil.Sentinel.Discovery.HelloMessage.TryParse("10.0.0.9,7109,id,18446744073709551615,mymaster,10.0.0.1,99999999999,-1", texts);
        var again = Vigil.Sentinel.Discovery.HelloMessage.TryParse("10.0.0.9,7109,id,18446744073709551615,mymaster,10.0.0.1,99999999999,-1", texts);

        Assert.Equal(new Vigil.Sentinel.Discovery.HelloMessage("10.0.0.9", 7109, "id", long.MaxValue, "mymaster", "10.0.0.1", int.MaxValue, long.MaxValue), first);
        Assert.Equal(first, again);
        Assert.Same(first!.SentinelHost, again!.SentinelHost);
        Assert.Same(first.RunId, again.RunId);
        Assert.Same(first.MasterName, again.MasterName);
    }

    [Fact]
    public void HelloFromAnUnknownSentinelAddsItAsPeer()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(100);
        host.HelloVia(MasterIp, MasterPort, Hello("10.0.0.9", 7109, PeerA));

        var added = Assert.Single(host.Events("+sentinel"));
        Assert.Equal($"sentinel {PeerA} 10.0.0.9 7109 @ mymaster {MasterIp} {MasterPort}", added.Message);
        var peer = Replies.Fields(Replies.Items(host.Sentinel("sentinels", "mymaster")).Single());
        Assert.Equal(PeerA, peer["name"]);
        Assert.Equal(PeerA, peer["runid"]);
        host.RunFor(10);
        Assert.Contains(host.EffectsOf<OpenLink>(), o => o is { Host: "10.0.0.9", Port: 7109, Role: LinkRole.Command });
        Assert.DoesNotContain(host.EffectsOf<OpenLink>(), o => o is { Host: "10.0.0.9", Role: LinkRole.PubSub });
    }

    [Fact]
    public void RepeatedHellosDoNotDuplicateThePeer()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(100);
        for (int i = 0; i < 3; i++)
        {
            host.HelloVia(MasterIp, MasterPort, Hello("10.0.0.9", 7109, PeerA));
            host.HelloVia(ReplicaIp, ReplicaPort, Hello("10.0.0.9", 7109, PeerA));
            host.PublishHello(Hello("10.0.0.9", 7109, PeerA));
        }

        Assert.Single(host.Events("+sentinel"));
        Assert.Single(Replies.Items(host.Sentinel("sentinels", "mymaster")));
    }

    [Fact]
    public void OwnHellosOnPubSubAreIgnored()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(5000); // our own hellos come back on both pub/sub links

        Assert.Empty(host.Events("+sentinel"));
        Assert.Empty(Replies.Items(host.Sentinel("sentinels", "mymaster")));
    }

    [Fact]
    public void MalformedOrForeignHellosAreIgnored()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.PublishHello("garbage");
        host.PublishHello($"10.0.0.9,7109,{PeerA},0,mymaster,{MasterIp},{MasterPort}");
        host.PublishHello(Hello("10.0.0.9", 7109, PeerA, master: "other"));

        Assert.Empty(host.Events("+sentinel"));
    }

    [Fact]
    public void PeerOnNewAddressIsSwitchedNotDuplicated()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.PublishHello(Hello("10.0.0.9", 7109, PeerA));
        host.PublishHello(Hello("10.0.0.10", 7110, PeerA));

        var moved = Assert.Single(host.Events("+sentinel-address-switch"));
        Assert.Equal($"master mymaster {MasterIp} {MasterPort} ip 10.0.0.10 port 7110 for {PeerA}", moved.Message);
        Assert.Single(host.Events("+sentinel"));
        var peer = Replies.Fields(Replies.Items(host.Sentinel("sentinels", "mymaster")).Single());
        Assert.Equal("10.0.0.10", peer["ip"]);
    }

    [Fact]
    public void NewRunIdOnAKnownAddressReplacesTheOldPeerEverywhere()
    {
        var host = new SimulatedHost(ConfigOf(Master("m1"), Master("m2", port: 7011)));
        host.PublishHello(Hello("10.0.0.9", 7109, PeerA, master: "m1"));
        host.PublishHello($"10.0.0.9,7109,{PeerA},0,m2,{MasterIp},7011,0");
        host.Nodes[("10.0.0.9", 7109)].SentinelRunId = PeerB; // the sentinel there restarted with a new run id
        host.Nodes[("10.0.0.9", 7109)].Watches.Clear();
        host.PublishHello(Hello("10.0.0.9", 7109, PeerB, master: "m1"));

        var invalid = Assert.Single(host.Events("+sentinel-invalid-addr"));
        Assert.Equal($"sentinel {PeerA} 10.0.0.9 7109 @ m1 {MasterIp} {MasterPort}", invalid.Message);
        Assert.Equal(PeerB, Replies.Fields(Replies.Items(host.Sentinel("sentinels", "m1")).Single())["name"]);
        Assert.Empty(Replies.Items(host.Sentinel("sentinels", "m2")));
    }

    [Fact]
    public void AddressSwitchIsCopiedToTheSamePeerUnderOtherMasters()
    {
        var host = new SimulatedHost(ConfigOf(Master("m1"), Master("m2", port: 7011)));
        host.PublishHello(Hello("10.0.0.9", 7109, PeerA, master: "m1"));
        host.PublishHello($"10.0.0.9,7109,{PeerA},0,m2,{MasterIp},7011,0");
        host.PublishHello(Hello("10.0.0.10", 7110, PeerA, master: "m1"));

        var update = Assert.Single(host.Events("+sentinel-address-update"));
        Assert.Equal($"sentinel {PeerA} 10.0.0.10 7110 @ m1 {MasterIp} {MasterPort} 1 additional matching instances", update.Message);
        Assert.Equal("10.0.0.10", Replies.Fields(Replies.Items(host.Sentinel("sentinels", "m2")).Single())["ip"]);
    }

    [Fact]
    public void OnePeerWatchingTwoMastersIsCheckedAndPingedOverOneLink()
    {
        var host = new SimulatedHost(ConfigOf(Master("m1"), Master("m2", port: 7011)));
        host.AddNode("10.0.0.9", 7109);
        host.PublishHello(Hello("10.0.0.9", 7109, PeerA, master: "m1"));
        host.PublishHello($"10.0.0.9,7109,{PeerA},0,m2,{MasterIp},7011,0");
        host.RunFor(3000);

        // Both claims are checked over one connection (each asks its own questions on it); admitted, they keep sharing it.
        Assert.Equal(1, host.EffectsOf<OpenLink>().Count(o => o.Host == "10.0.0.9"));
        var asked = host.CommandsTo("10.0.0.9", 7109).Where(a => a[0] == "SENTINEL").Select(a => string.Join(' ', a.Skip(1))).ToList();
        Assert.Equal(2, asked.Count(a => a == "MYID"));
        Assert.Contains("GET-MASTER-ADDR-BY-NAME m1", asked);
        Assert.Contains("GET-MASTER-ADDR-BY-NAME m2", asked);
        var peer = Replies.Fields(Replies.Items(host.Sentinel("sentinels", "m1")).Single());
        Assert.Equal("2", peer["link-refcount"]);
        // One PING stream for the shared link, and one hello per master.
        var publishes = host.CommandsTo("10.0.0.9", 7109).Where(a => a[0] == "PUBLISH").Select(a => a[2].Split(',')[4]).ToList();
        Assert.Contains("m1", publishes);
        Assert.Contains("m2", publishes);
        Assert.InRange(host.CommandsTo("10.0.0.9", 7109).Count(a => a[0] == "PING"), 8, 16); // peers are pinged four times a period
    }

    [Fact]
    public void AClaimOfAnAdmittedSentinelForAnotherMasterIsAskedOverItsLink()
    {
        var host = TwoMastersWithPeerAAdmittedForTheFirst();

        host.PublishHello($"10.0.0.9,7109,{PeerA},0,m2,{MasterIp},7011,0");
        host.RunFor(1000);

        Assert.Equal(2, host.Events("+sentinel").Count());
        Assert.Equal(1, host.EffectsOf<OpenLink>().Count(o => o.Host == "10.0.0.9"));
        Assert.Contains(host.CommandsTo("10.0.0.9", 7109), a => a is ["SENTINEL", "GET-MASTER-ADDR-BY-NAME", "m2"]);
    }

    [Fact]
    public void AnotherRunIdAtAnAdmittedSentinelsAddressIsCheckedOnAConnectionOfItsOwn()
    {
        var host = TwoMastersWithPeerAAdmittedForTheFirst();

        host.PublishHello($"10.0.0.9,7109,{PeerB},0,m2,{MasterIp},7011,0");
        host.RunFor(1000);

        Assert.Equal(2, host.EffectsOf<OpenLink>().Count(o => o.Host == "10.0.0.9"));
        Assert.Single(host.Events("+sentinel")); // the sentinel there answers as PeerA
    }

    private static SimulatedHost TwoMastersWithPeerAAdmittedForTheFirst()
    {
        var host = new SimulatedHost(ConfigOf(Master("m1"), Master("m2", port: 7011)));
        host.AddNode("10.0.0.9", 7109);
        host.PublishHello(Hello("10.0.0.9", 7109, PeerA, master: "m1"));
        host.RunFor(1000);
        Assert.Single(host.Events("+sentinel"));
        return host;
    }

    [Fact]
    public void HigherCurrentEpochInHelloIsAdopted()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.PublishHello(Hello("10.0.0.9", 7109, PeerA));
        host.PublishHello(Hello("10.0.0.9", 7109, PeerA, epoch: 7));

        Assert.Equal("7", Assert.Single(host.Events("+new-epoch")).Message);
        Assert.Equal(7, host.Core.State.CurrentEpoch);
        host.PublishHello(Hello("10.0.0.9", 7109, PeerA, epoch: 5));
        Assert.Single(host.Events("+new-epoch"));
    }

    [Fact]
    public void OurHelloCarriesTheNewEpochOnceItWasAdopted()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(3000);
        var published = host.Nodes[(MasterIp, MasterPort)].Published;
        Assert.All(published, p => Assert.Equal($"192.168.0.9,{MyPort},{host.Core.MyId},0,mymaster,{MasterIp},{MasterPort},0", p));
        int before = published.Count;

        host.PublishHello(Hello("10.0.0.9", 7109, PeerA));
        host.PublishHello(Hello("10.0.0.9", 7109, PeerA, epoch: 7, configEpoch: 7));
        host.RunFor(3000);

        Assert.Equal($"192.168.0.9,{MyPort},{host.Core.MyId},7,mymaster,{MasterIp},{MasterPort},7", published.Skip(before).First());
    }

    [Fact]
    public void NewerConfigEpochForTheSameAddressIsAdoptedWithoutSwitching()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.PublishHello(Hello("10.0.0.9", 7109, PeerA));
        host.PublishHello(Hello("10.0.0.9", 7109, PeerA, configEpoch: 3));

        Assert.Equal("3", Replies.Fields(host.Sentinel("master", "mymaster"))["config-epoch"]);
        Assert.Empty(host.Events("+switch-master"));
    }

    [Fact]
    public void HelloAnnouncingAnotherMasterAddressDoesNotSwitchTheMaster()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.PublishHello($"10.0.0.9,7109,{PeerA},9,mymaster,{ReplicaIp},{ReplicaPort},9");

        Assert.Empty(host.Events("+switch-master"));
        Assert.Equal(MasterIp, Replies.Text(Replies.Items(host.Sentinel("get-master-addr-by-name", "mymaster"))[0]));
        Assert.Equal("0", Replies.Fields(host.Sentinel("master", "mymaster"))["config-epoch"]);
    }

    [Fact]
    public void PublishToThisSentinelAlwaysAnswersOne()
    {
        var host = new SimulatedHost();
        Assert.Equal(Vigil.Resp.RespValue.Integer(1), Assert.IsType<Reply>(host.Request((now, id) => new HelloPublished(now, id, "whatever"))).Value);
    }
    [Fact]
    public void AdoptingAConfigEpochRaisesTheCurrentEpochToIt()
    {
        var host = FailoverFixture.Start();
        var (ip, port, runId) = FailoverFixture.Peers[0];
        // The sender's current epoch (1) lags the config epoch it announces (5) for the address we already use.
        host.PublishHello($"{ip},{port},{runId},1,mymaster,{MasterIp},{MasterPort},5");

        Assert.Equal(5, host.Core.State.Masters.Single().ConfigEpoch);
        Assert.Equal(5, host.Core.State.CurrentEpoch);
        Assert.Contains("5", host.Texts("+new-epoch"));
    }
}
