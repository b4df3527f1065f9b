using Vigil.Sentinel.Config;
using Vigil.Sentinel.State;
using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;

namespace Vigil.Sentinel.Tests;

public sealed class StateTests
{
    /// <summary>A state with one of everything, as a sentinel would save it after some life.</summary>
    private static SentinelState Lived(SimulatedHost host)
    {
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m'), (ReplicaIp, ReplicaPort)));
        host.PublishHello($"10.0.0.9,7109,{PeerA},4,mymaster,{MasterIp},{MasterPort},0");
        host.Sentinel("is-master-down-by-addr", MasterIp, "7001", "5", PeerA);
        host.Sentinel("set", "mymaster", "quorum", "3", "rename-command", "CONFIG", "cfg");
        host.Sentinel("config", "set", "announce-port", "9100");
        host.RunFor(100);
        return host.EffectsOf<PersistState>().Last().State;
    }

    [Fact]
    public void StateSurvivesAJsonRoundTrip()
    {
        var state = Lived(new SimulatedHost());
        var json = state.ToJson();
        var back = SentinelState.FromJson(json);

        Assert.Equal(json, back.ToJson());
        Assert.Equal(state.MyId, back.MyId);
        Assert.Equal(5, back.CurrentEpoch);
        var master = back.Masters.Single();
        Assert.Equal(state.Masters[0].Settings, master.Settings);
        Assert.Equal(PeerA, master.Leader);
        Assert.Equal(5, master.LeaderEpoch);
        Assert.Equal([new KnownReplicaState(ReplicaIp, ReplicaPort)], master.KnownReplicas);
        Assert.Equal([new KnownSentinelState("10.0.0.9", 7109, PeerA)], master.KnownSentinels);
        Assert.Contains("\"current-epoch\": 5", json);
    }

    [Fact]
    public void FirstStartPersistsANewIdAndAnnouncesMasters()
    {
        var host = new SimulatedHost();
        var saved = Assert.Single(host.EffectsOf<PersistState>()).State;

        Assert.Equal(host.Core.MyId, saved.MyId);
        Assert.Matches("^[0-9a-f]{40}$", saved.MyId);
        Assert.Equal($"Sentinel ID is {host.Core.MyId}", host.EffectsOf<Log>().First().Message);
        Assert.Equal($"master mymaster {MasterIp} {MasterPort} quorum 2", Assert.Single(host.Events("+monitor")).Message);
    }

    [Fact]
    public void SameSeedGivesTheSameIdAndEffects()
    {
        var a = new SimulatedHost();
        var b = new SimulatedHost();
        Assert.Equal(a.Core.MyId, b.Core.MyId);
        Assert.NotEqual(a.Core.MyId, new SimulatedHost(options: Options(seed: 8)).Core.MyId);

        a.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m')));
        b.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m')));
        a.RunFor(20_000);
        b.RunFor(20_000);
        Assert.Equal(a.Effects.Select(e => e.ToString()), b.Effects.Select(e => e.ToString()));
    }

    [Fact]
    public void RestartFromStateKeepsIdEpochsVoteAndKnownNodes()
    {
        var first = new SimulatedHost();
        var state = Lived(first);
        var second = new SimulatedHost(state: SentinelState.FromJson(state.ToJson()));

        Assert.Equal(first.Core.MyId, second.Core.MyId);
        var fields = Replies.Fields(second.Sentinel("master", "mymaster"));
        Assert.Equal("1", fields["num-slaves"]);
        Assert.Equal("1", fields["num-other-sentinels"]);
        Assert.Equal("3", fields["quorum"]);
        Assert.Equal(5, second.Core.State.CurrentEpoch);
        // Our vote in epoch 5 survives the restart: a competing request gets the old answer.
        Assert.Equal(Vigil.Resp.RespValue.Array(Vigil.Resp.RespValue.Integer(0), Vigil.Resp.RespValue.Bulk(PeerA), Vigil.Resp.RespValue.Integer(5)),
            second.Sentinel("is-master-down-by-addr", MasterIp, "7001", "5", PeerB));
        Assert.Empty(second.EffectsOf<PersistState>()); // nothing changed
    }

    [Fact]
    public void OperatorEditOfASettingWinsOverTheRuntimeValue()
    {
        var state = Lived(new SimulatedHost()); // SET quorum 3 at run time; config said 2
        var edited = ConfigOf(Master(quorum: 2) with { DownAfterMs = 9000 });
        var host = new SimulatedHost(edited, state);

        var fields = Replies.Fields(host.Sentinel("master", "mymaster"));
        Assert.Equal("3", fields["quorum"]); // not edited: runtime value stays
        Assert.Equal("9000", fields["down-after-milliseconds"]); // edited: config wins
        Assert.Equal([new CommandRename("CONFIG", "cfg")], host.Core.State.Masters[0].Settings.RenameCommands);

        var edited2 = ConfigOf(Master(quorum: 4));
        Assert.Equal("4", Replies.Fields(new SimulatedHost(edited2, state).Sentinel("master", "mymaster"))["quorum"]);
    }

    [Fact]
    public void FailoverAddressWinsUnlessTheMonitorLineWasEdited()
    {
        var state = Lived(new SimulatedHost());
        var moved = state with
        {
            Masters = [state.Masters[0] with { Address = new MasterAddress(ReplicaIp, ReplicaPort), ConfigEpoch = 1, KnownReplicas = [new(MasterIp, MasterPort)] }],
        };

        var kept = new SimulatedHost(ConfigOf(), moved);
        Assert.Equal(ReplicaIp, Replies.Fields(kept.Sentinel("master", "mymaster"))["ip"]);
        Assert.Equal("1", Replies.Fields(kept.Sentinel("master", "mymaster"))["num-slaves"]);

        var repointed = new SimulatedHost(ConfigOf(Master(host: "10.0.0.50")), moved);
        var fields = Replies.Fields(repointed.Sentinel("master", "mymaster"));
        Assert.Equal("10.0.0.50", fields["ip"]);
        Assert.Equal("0", fields["num-slaves"]);
        Assert.Equal("1", fields["num-other-sentinels"]);
        Assert.Equal("1", fields["config-epoch"]);
    }

    [Fact]
    public void RemovedMasterStaysRemovedUntilItsConfigLinesChange()
    {
        var first = new SimulatedHost();
        first.Sentinel("remove", "mymaster");
        var state = first.EffectsOf<PersistState>().Last().State;

        Assert.Empty(Replies.Items(new SimulatedHost(ConfigOf(), state).Sentinel("masters")));

        var edited = new SimulatedHost(ConfigOf(Master(quorum: 1)), state);
        Assert.Equal("1", Replies.Fields(edited.Sentinel("master", "mymaster"))["quorum"]);
        Assert.Empty(edited.EffectsOf<PersistState>().Last().State.RemovedMasters);
    }

    [Fact]
    public void MonitoredMastersComeBackFromStateAndOperatorDeletedOnesDoNot()
    {
        var first = new SimulatedHost(ConfigOf(Master("cfg1"), Master("cfg2", port: 7011)));
        first.Sentinel("monitor", "runtime", "10.0.0.5", "7005", "1");
        var state = first.EffectsOf<PersistState>().Last().State;

        var second = new SimulatedHost(ConfigOf(Master("cfg1")), state);
        var names = Replies.Items(second.Sentinel("masters")).Select(m => Replies.Fields(m)["name"]).ToList();
        Assert.Equal(["cfg1", "runtime"], names);
    }

    [Fact]
    public void RuntimeConfigSetSurvivesUnlessTheOperatorChangedThatOption()
    {
        var state = Lived(new SimulatedHost()); // CONFIG SET announce-port 9100
        Assert.Equal("9100", Replies.Fields(new SimulatedHost(ConfigOf(), state).Sentinel("config", "get", "announce-port"))["announce-port"]);

        var edited = ConfigOf() with { Sentinel = new SentinelOptions { AnnouncePort = 9200 } };
        Assert.Equal("9200", Replies.Fields(new SimulatedHost(edited, state).Sentinel("config", "get", "announce-port"))["announce-port"]);
    }

    [Fact]
    public void LegacyStateLinesAreReadWhenThereIsNoState()
    {
        string id = RunId('1');
        var config = ConfigOf(Master() with
        {
            ConfigEpoch = 3,
            LeaderEpoch = 3,
            KnownReplicas = [new KnownReplica(ReplicaIp, ReplicaPort)],
            KnownSentinels = [new KnownSentinel("10.0.0.9", 7109, PeerA)],
        }) with { Sentinel = new SentinelOptions { MyId = id, CurrentEpoch = 4 } };
        var host = new SimulatedHost(config);

        Assert.Equal(id, host.Core.MyId);
        var fields = Replies.Fields(host.Sentinel("master", "mymaster"));
        Assert.Equal(("3", "1", "1"), (fields["config-epoch"], fields["num-slaves"], fields["num-other-sentinels"]));
        Assert.Equal(4, host.Core.State.CurrentEpoch);
    }

    [Fact]
    public void LegacyStateLinesAreIgnoredWhenStateExists()
    {
        var state = Lived(new SimulatedHost());
        var config = ConfigOf(Master() with { KnownSentinels = [new KnownSentinel("10.0.0.77", 7177, PeerC)] })
            with { Sentinel = new SentinelOptions { MyId = RunId('1') } };
        var host = new SimulatedHost(config, state);

        Assert.Equal(state.MyId, host.Core.MyId);
        Assert.Equal("1", Replies.Fields(host.Sentinel("master", "mymaster"))["num-other-sentinels"]);
    }

    [Fact]
    public void PersistTriggersFollowTheReference()
    {
        var host = new SimulatedHost();
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m')));
        int saves = host.EffectsOf<PersistState>().Count();
        host.RunFor(1000);
        host.Nodes[(MasterIp, MasterPort)].Frozen = true;
        host.RunFor(10_000); // SDOWN does not save
        Assert.Single(host.Events("+sdown"));
        Assert.Equal(saves, host.EffectsOf<PersistState>().Count());

        host.PublishHello($"10.0.0.9,7109,{PeerA},0,mymaster,{MasterIp},{MasterPort},0"); // new peer saves
        Assert.Equal(saves + 1, host.EffectsOf<PersistState>().Count());
    }
}
