using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;

namespace Vigil.Sentinel.Tests;

/// <summary>Three cores failing over modelled Redis nodes together.</summary>
public sealed class FailoverGroupTests
{
    private const string Replica2Ip = "10.0.0.3";
    private const int Replica2Port = 7003;

    private static SentinelNetwork Group(int sentinels = 3, Func<Vigil.Sentinel.Config.MasterConfig, Vigil.Sentinel.Config.MasterConfig>? tweak = null)
    {
        var network = new SentinelNetwork();
        network.AddRedis(MasterIp, MasterPort, 'm');
        network.AddRedis(ReplicaIp, ReplicaPort, 'r', (MasterIp, MasterPort));
        network.AddRedis(Replica2Ip, Replica2Port, 's', (MasterIp, MasterPort));
        var master = Master() with { FailoverTimeoutMs = 20_000 };
        if (tweak is not null) master = tweak(master);
        for (int i = 0; i < sentinels; i++) network.AddSentinel($"10.0.1.{i + 1}", 7201 + i, ConfigOf(master), seed: 100 + i);
        network.RunFor(12_000);
        return network;
    }

    private static (string Ip, string Port) MasterAddr(SentinelNetwork network, int sentinel)
    {
        var items = Replies.Items(network.Sentinel(sentinel, "get-master-addr-by-name", "mymaster"));
        return (Replies.Text(items[0]), Replies.Text(items[1]));
    }

    [Fact]
    public void SentinelsProbeAFrozenMasterOnSpreadSlotsAndTheFirstTwoStartOneAttempt()
    {
        var network = Group();
        network.Nodes[(MasterIp, MasterPort)].Frozen = true;
        // Each sentinel's first unanswered probe is on its own third of the 500 ms slot (down-after 5000 probes twice
        // a second), so each sees SDOWN at its own time: the second of three within two thirds of a slot. The last may
        // learn of the failover before it sees SDOWN at all.
        var sdownAt = new long?[3];
        for (long waited = 0; waited < 15_000 && sdownAt.Count(t => t is null) > 1; waited += 5)
        {
            network.RunFor(5);
            for (int i = 0; i < 3; i++) sdownAt[i] ??= network.Events(i, "+sdown").Any(e => e.Message.StartsWith("master", StringComparison.Ordinal)) ? network.Now : null;
        }
        network.RunFor(500);
        for (int i = 0; i < 3; i++) sdownAt[i] ??= network.Events(i, "+sdown").Any(e => e.Message.StartsWith("master", StringComparison.Ordinal)) ? network.Now : null;
        var order = Enumerable.Range(0, 3).OrderBy(i => sdownAt[i] ?? long.MaxValue).ToList();
        long first = sdownAt[order[0]]!.Value, second = sdownAt[order[1]]!.Value;
        Assert.InRange(second - first, 140, 190);
        if (sdownAt[order[2]] is { } last) Assert.InRange(last - second, 140, 190);
        network.RunFor(15_000);

        // The last one to see it does not see ODOWN when the first two do: they do not wait for it, and its vote goes
        // to the one of them that asked (the lower run id of the two, or the first to ask).
        int candidate = Assert.Single(Enumerable.Range(0, 3), i => network.Events(i, "+try-failover").Any());
        Assert.NotEqual(order[2], candidate);
        Assert.Single(network.Events(candidate, "+elected-leader"));
        Assert.All(Enumerable.Range(0, 3), i => Assert.Empty(network.Events(i, "-failover-abort-not-elected")));
    }

    [Fact]
    public void CandidatesStartedDuringAStalledSaveElectOneOfThemAtOnce()
    {
        // Down-after 1000: a slot of 250 ms, so the last sentinel sees SDOWN 83 ms after the second, within the second's
        // election slot, and all three reach ODOWN before any request at the new epoch can leave.
        var network = Group(tweak: m => m with { DownAfterMs = 1000 });
        network.Nodes[(MasterIp, MasterPort)].Frozen = true;
        for (long waited = 0; waited < 5_000 && !Enumerable.Range(0, 3).Any(i => network.Events(i, "+odown").Any()); waited += 1)
        {
            network.RunFor(1);
        }
        // From the first ODOWN on, every save waits 1.5 s, as on a file system committing its journal: each sentinel
        // starts while what the others sent at their start is held behind their saves.
        network.SavesStalledUntilMs = network.Now + 1_500;
        network.RunFor(1_500);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Single(network.Events(i, "+try-failover")));

        // Before, each had voted for itself at its start: three votes for three candidates, and no leader until
        // two failover timeouts later. Now a candidate that let others go first keeps its vote for a lower run id,
        // and one of the candidates is elected as soon as the requests are out.
        network.RunFor(1_000);
        Assert.Single(Enumerable.Range(0, 3), i => network.Events(i, "+elected-leader").Any());
        Assert.All(Enumerable.Range(0, 3), i => Assert.Single(network.Events(i, "+switch-master")));
    }

    [Fact]
    public void FrozenMasterIsReplacedAndEverySentinelSwitches()
    {
        var network = Group();
        network.Nodes[(MasterIp, MasterPort)].Frozen = true;
        network.RunFor(15_000);

        var leaders = Enumerable.Range(0, 3).Where(i => network.Events(i, "+elected-leader").Any()).ToList();
        int leader = Assert.Single(leaders);
        var promotedAddr = MasterAddr(network, leader);
        Assert.NotEqual((MasterIp, "7001"), promotedAddr);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(promotedAddr, MasterAddr(network, i));
            var switched = Assert.Single(network.Events(i, "+switch-master"));
            Assert.Equal($"mymaster {MasterIp} 7001 {promotedAddr.Ip} {promotedAddr.Port}", switched.Message);
            Assert.Equal("1", Replies.Fields(network.Sentinel(i, "master", "mymaster"))["config-epoch"]);
        }
        // Observers learned it from the leader's hello, after checking it.
        foreach (int observer in Enumerable.Range(0, 3).Where(i => i != leader))
        {
            Assert.Single(network.Events(observer, "+config-update-from"));
        }

        var promoted = network.Nodes[(promotedAddr.Ip, int.Parse(promotedAddr.Port))];
        Assert.True(promoted.Model!.IsMaster);
        var other = network.Nodes.Values.Single(n => n != promoted && n.Ip != MasterIp);
        Assert.Equal((promotedAddr.Ip, int.Parse(promotedAddr.Port)), (other.Model!.MasterHost, other.Model.MasterPort));
        Assert.Equal(
            ["+elected-leader", "+failover-state-select-slave", "+selected-slave", "+failover-state-send-slaveof-noone",
             "+failover-state-wait-promotion", "+promoted-slave", "+failover-state-reconf-slaves", "+slave-reconf-sent",
             "+slave-reconf-inprog", "+slave-reconf-done", "+failover-end", "+switch-master"],
            network.Members[leader].Effects.OfType<PublishEvent>().Select(e => e.Channel)
                .Where(c => c is "+elected-leader" or "+failover-state-select-slave" or "+selected-slave" or "+failover-state-send-slaveof-noone"
                    or "+failover-state-wait-promotion" or "+promoted-slave" or "+failover-state-reconf-slaves" or "+slave-reconf-sent"
                    or "+slave-reconf-inprog" or "+slave-reconf-done" or "+failover-end" or "+switch-master"));
    }

    [Fact]
    public void OldMasterThatComesBackIsFencedUnderTheNewMaster()
    {
        var network = Group();
        var oldMaster = network.Nodes[(MasterIp, MasterPort)];
        network.Kill(oldMaster);
        network.RunFor(15_000);
        var (ip, port) = MasterAddr(network, 0);
        Assert.NotEqual(MasterIp, ip);

        oldMaster.Up = true; // restarts with its old config: a master again
        oldMaster.Model!.IsMaster = true;
        network.RunFor(4_000);

        Assert.False(oldMaster.Model.IsMaster);
        Assert.Equal((ip, int.Parse(port)), (oldMaster.Model.MasterHost, oldMaster.Model.MasterPort));
        Assert.Contains(Enumerable.Range(0, 3), i => network.Events(i, "+convert-to-slave").Any());
        network.RunFor(12_000);
        for (int i = 0; i < 3; i++)
        {
            var replicas = Replies.Items(network.Sentinel(i, "replicas", "mymaster")).Select(Replies.Fields).ToList();
            var old = Assert.Single(replicas, r => r["ip"] == MasterIp);
            Assert.Equal("slave", old["role-reported"]);
        }
    }

    [Fact]
    public void AForgedHelloWithAHugeEpochMovesNoSentinel()
    {
        var network = Group();
        var victim = network.Members[1];
        string forged = $"{victim.Ip},{victim.Port},{victim.Core.MyId},1000,mymaster,{ReplicaIp},{ReplicaPort},1000";
        // The lab attack: one PUBLISH on the master's hello channel, plus one straight to a sentinel.
        network.PublishOn(network.Nodes[(MasterIp, MasterPort)], forged);
        network.PublishTo(0, forged);
        network.RunFor(30_000);

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal((MasterIp, "7001"), MasterAddr(network, i));
            Assert.Empty(network.Events(i, "+switch-master"));
            Assert.Equal("0", Replies.Fields(network.Sentinel(i, "master", "mymaster"))["config-epoch"]);
        }
        Assert.True(network.Nodes[(MasterIp, MasterPort)].Model!.IsMaster);
        Assert.Empty(network.Nodes[(ReplicaIp, ReplicaPort)].Model!.SlaveofHistory);
    }

    [Fact]
    public void SentinelFailoverOnALiveMasterSwapsRolesEverywhere()
    {
        var network = Group();
        var oldMaster = network.Nodes[(MasterIp, MasterPort)];
        oldMaster.Model!.Write(500);
        network.RunFor(2_000);

        Assert.Equal(Vigil.Resp.RespValue.Ok, network.Sentinel(0, "failover", "mymaster"));
        network.RunFor(5_000);

        var (ip, port) = MasterAddr(network, 0);
        var promoted = network.Nodes[(ip, int.Parse(port))];
        Assert.True(promoted.Model!.IsMaster);
        Assert.Equal(500, promoted.Model.Offset);
        Assert.Equal((ip, int.Parse(port)), (oldMaster.Model.MasterHost, oldMaster.Model.MasterPort));
        Assert.False(oldMaster.Model.WritesPaused);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal((ip, port), MasterAddr(network, i));
            Assert.False(Replies.Fields(network.Sentinel(i, "master", "mymaster")).ContainsKey("failover-state"));
        }
        network.RunFor(20_000);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Empty(network.Events(i, "+try-failover").Skip(i == 0 ? 1 : 0)));
    }

    [Fact]
    public void ALeaderCrashingAfterPromotionIsReplacedAndTheGroupConverges()
    {
        var network = Group();
        for (int i = 0; i < 3; i++) network.Sentinel(i, "simulate-failure", "crash-after-promotion");
        network.Nodes[(MasterIp, MasterPort)].Frozen = true;
        for (int waited = 0; network.Stopped.Count == 0; waited += 100)
        {
            Assert.True(waited < 30_000, "no leader crashed");
            network.RunFor(100);
        }
        int crashed = Assert.Single(network.Stopped);
        // The survivors must not crash in turn ("help" clears the flags).
        foreach (int i in Enumerable.Range(0, 3).Where(i => i != crashed)) network.Sentinel(i, "simulate-failure", "help");
        network.RunFor(120_000);

        var live = Enumerable.Range(0, 3).Where(i => i != crashed).ToList();
        var addresses = live.Select(i => MasterAddr(network, i)).Distinct().ToList();
        var (ip, port) = Assert.Single(addresses);
        Assert.NotEqual(MasterIp, ip);
        var master = network.Nodes[(ip, int.Parse(port))];
        Assert.True(master.Model!.IsMaster);
        foreach (var node in network.Nodes.Values.Where(n => n != master && n.Ip != MasterIp))
        {
            Assert.Equal((ip, int.Parse(port)), (node.Model!.MasterHost, node.Model.MasterPort));
        }
    }
}
