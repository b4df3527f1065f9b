using Vigil.Sentinel.Config;
using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;

namespace Vigil.Sentinel.Tests;

public sealed class MonitoringScheduleTests
{
    [Fact]
    public void MasterIsProbedTwiceASecondAtDownAfterFiveSecondsReplicaOnce()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(10_000);

        // After the first probes (sent on connecting), every slot of the period has a probe: a hello takes the place
        // of the slot's PING (not an INFO), and the slot before a hello always has a PING.
        var probes = host.ProbeTimesOf(MasterIp, MasterPort).Skip(2).Distinct().ToList();
        Assert.InRange(probes.Count, 18, 20);
        var pings = host.TimesOf(MasterIp, MasterPort, "PING");
        var hellos = host.TimesOf(MasterIp, MasterPort, "PUBLISH");
        Assert.DoesNotContain(hellos, pings.Contains);
        Assert.All(hellos.Where(t => t > probes[0]), t => Assert.Contains(t - 500, pings));
        Assert.All(probes, t => Assert.Equal(0, t % 500));
        Assert.All(probes.Zip(probes.Skip(1)), p => Assert.Equal(500, p.Second - p.First));
        Assert.Contains(probes, t => host.TimesOf(MasterIp, MasterPort, "PUBLISH").Contains(t));
        var replicaProbes = host.ProbeTimesOf(ReplicaIp, ReplicaPort).Skip(2).Distinct().ToList();
        Assert.InRange(replicaProbes.Count, 8, 10);
        Assert.All(replicaProbes, t => Assert.Equal(0, t % 1000));
        Assert.All(replicaProbes.Zip(replicaProbes.Skip(1)), p => Assert.Equal(1000, p.Second - p.First));
    }

    [Fact]
    public void MastersWithDifferentPhasesArePingedInTheSameTick()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(337); // the second master connects between two of the first one's PING slots
        host.AddNode("10.0.0.7", 7007, MasterInfo(RunId('o')));
        host.Sentinel("monitor", "other", "10.0.0.7", "7007", "2");
        host.Sentinel("set", "other", "down-after-milliseconds", "5000"); // the same ping period as the first
        host.RunFor(5_000);

        var first = host.ProbeTimesOf(MasterIp, MasterPort).Where(t => t > host.Now - 3_000).ToList();
        var second = host.ProbeTimesOf("10.0.0.7", 7007).Where(t => t > host.Now - 3_000).ToList();
        Assert.InRange(first.Count, 5, 6);
        Assert.Equal(first, second);
    }

    [Fact]
    public void InfoGoesOutRightAfterConnectingThenEveryTenSeconds()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.RunFor(25_000);

        // Connected during the first tick; the next tick (1 ms later) sends the first INFO, the next ones go out with
        // the master's PINGs, ten seconds apart.
        var infos = host.TimesOf(MasterIp, MasterPort, "INFO");
        Assert.Equal([StartMs + 1, StartMs + 10_000, StartMs + 20_000], infos);
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
            Assert.All(hellos.Zip(hellos.Skip(1)), p => Assert.Equal(2000, p.Second - p.First));
            Assert.All(hellos, t => Assert.Equal(0, t % 250)); // with the PINGs
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

        // The master needs a probe every 500 ms at down-after 5 s, the replica every second, on common slots; the
        // reference ticks 10-19 times a second.
        Assert.InRange(host.Ticks, 110, 200);
    }

    [Fact]
    public void ReplicaWithDownReplicationLinkIsPolledEverySecond()
    {
        var host = new SimulatedHost();
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m'), (ReplicaIp, ReplicaPort)));
        host.AddNode(ReplicaIp, ReplicaPort, ReplicaInfo(RunId('r'), MasterIp, MasterPort, linkStatus: "down", linkDownSeconds: 3));
        host.RunFor(10_000);

        var infos = host.TimesOf(ReplicaIp, ReplicaPort, "INFO");
        Assert.InRange(infos.Count, 9, 11);
        Assert.All(infos.Skip(1).Zip(infos.Skip(2)), p => Assert.Equal(1000, p.Second - p.First));
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
