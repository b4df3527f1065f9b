using Vigil.Sentinel.Config;
using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;

namespace Vigil.Sentinel.Tests;

public sealed class MonitoringScheduleTests
{
    [Fact]
    public void MasterIsPingedFourTimesPerSecondReplicaOnce()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(10_000);

        var pings = host.TimesOf(MasterIp, MasterPort, "PING");
        Assert.InRange(pings.Count, 39, 41);
        Assert.All(pings.Zip(pings.Skip(1)), p => Assert.InRange(p.Second - p.First, 250, 251));
        var replicaPings = host.TimesOf(ReplicaIp, ReplicaPort, "PING");
        Assert.InRange(replicaPings.Count, 9, 11);
        Assert.All(replicaPings.Zip(replicaPings.Skip(1)), p => Assert.InRange(p.Second - p.First, 1000, 1001));
    }

    [Fact]
    public void InfoGoesOutRightAfterConnectingThenEveryTenSeconds()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(25_000);

        // Connected during the first tick; the next tick (1 ms later) sends the first INFO.
        var infos = host.TimesOf(MasterIp, MasterPort, "INFO");
        Assert.Equal([StartMs + 1, StartMs + 10_002, StartMs + 20_003], infos);
    }

    [Fact]
    public void HelloIsPublishedEveryTwoSecondsToMasterAndReplica()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(10_000);

        foreach (var (ip, port) in new[] { (MasterIp, MasterPort), (ReplicaIp, ReplicaPort) })
        {
            var hellos = host.TimesOf(ip, port, "PUBLISH");
            Assert.InRange(hellos.Count, 4, 5);
            Assert.All(hellos.Zip(hellos.Skip(1)), p => Assert.Equal(2001, p.Second - p.First));
        }
    }

    [Fact]
    public void HelloPayloadCarriesOurAddressIdEpochAndMaster()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(3000);

        var payload = host.Nodes[(MasterIp, MasterPort)].Published.First();
        Assert.Equal($"192.168.0.9,{MyPort},{host.Core.MyId},0,mymaster,{MasterIp},{MasterPort},0", payload);
    }

    [Fact]
    public void AnnounceIpAndPortReplaceTheLocalAddressInHellos()
    {
        var config = ConfigOf() with { Sentinel = new SentinelOptions { AnnounceIp = "203.0.113.5", AnnouncePort = 9999 } };
        var host = new SimulatedHost(config);
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m')));
        host.RunFor(3000);

        Assert.StartsWith($"203.0.113.5,9999,{host.Core.MyId},", host.Nodes[(MasterIp, MasterPort)].Published.First());
    }

    [Fact]
    public void OnlyOneInfoIsOutstandingWhileTheNodeIsSilent()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(1000);
        host.Nodes[(MasterIp, MasterPort)].Frozen = true;
        host.RunFor(13_000); // before link health drops the connection (15 s)

        // The reference re-sends INFO and hello every tick until answered; here one each stays in flight.
        Assert.Single(host.TimesOf(MasterIp, MasterPort, "INFO"), t => t > StartMs + 1000);
        Assert.Single(host.TimesOf(MasterIp, MasterPort, "PUBLISH"), t => t > StartMs + 1000);
        Assert.True(host.TimesOf(MasterIp, MasterPort, "PING").Count(t => t > StartMs + 1000) >= 20);
    }

    [Fact]
    public void TheHostIsWokenOnlyWhenSomethingIsDue()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(60_000);

        // The master needs 4 PINGs/s, the replica 1, each a hello every 2 s; the reference ticks 10-19 times a second.
        Assert.InRange(host.Ticks, 240, 400);
    }

    [Fact]
    public void ReplicaWithDownReplicationLinkIsPolledEverySecond()
    {
        var host = new SimulatedHost();
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m'), (ReplicaIp, ReplicaPort)));
        host.AddNode(ReplicaIp, ReplicaPort, ReplicaInfo(RunId('r'), MasterIp, MasterPort, linkStatus: "down", linkDownSeconds: 3));
        host.RunFor(10_000);

        var infos = host.TimesOf(ReplicaIp, ReplicaPort, "INFO");
        Assert.InRange(infos.Count, 8, 10);
    }

    [Fact]
    public void IPv4MappedLocalAddressIsAnnouncedAsPlainIPv4()
    {
        var host = new SimulatedHost(); // its startup effects are drained; from here the test plays the host
        host.Core.Handle(new Tick(StartMs));
        var opens = Drain(host.Core).OfType<OpenLink>().ToList();
        foreach (var open in opens) host.Core.Handle(new LinkConnected(StartMs, open.Link, "::ffff:127.0.0.1"));
        for (long t = StartMs + 1; t < StartMs + 2100; t += 100) host.Core.Handle(new Tick(t));

        var hello = Drain(host.Core).OfType<SendCommand>().Single(s => s.Args[0] == "PUBLISH");
        Assert.StartsWith("127.0.0.1,", hello.Args[2]);
    }

    private static List<Effect> Drain(SentinelCore core)
    {
        var effects = new List<Effect>();
        while (core.TryDequeueEffect(out var effect)) effects.Add(effect);
        return effects;
    }
}
