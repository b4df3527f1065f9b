using Vigil.Resp;
using Vigil.Simulation.World;

namespace Vigil.Simulation.Faults;

/// <summary>
/// Injects faults at random times during the chaos phase (a Poisson process with the scenario's rate and kind
/// weights). Every temporary fault registers how to undo it; <see cref="HealAll"/> undoes whatever is still
/// active and brings every process back, so that liveness can be checked on a whole world.
/// </summary>
internal sealed class FaultInjector(SimWorld world)
{
    private readonly Dictionary<int, Action> _active = [];
    private int _lastId;
    private long _chaosEndMs;

    public Dictionary<FaultKind, int> Counts { get; } = [];

    public void Start(long fromMs, long untilMs)
    {
        _chaosEndMs = untilMs;
        if (world.Scenario.FaultsPerMinute <= 0) return;
        world.Queue.At(fromMs + NextGapMs(), Next);
    }

    private long NextGapMs() => (long)(-Math.Log(1.0 - world.Random.NextDouble()) * 60000 / world.Scenario.FaultsPerMinute) + 1;

    private void Next()
    {
        if (world.NowMs >= _chaosEndMs) return;
        var weights = world.Scenario.FaultWeights.Where(w => w.Value > 0).Select(w => (w.Key, w.Value)).ToArray();
        var kind = ScenarioGenerator.Pick(world.Random, weights);
        if (Inject(kind)) Counts[kind] = Counts.GetValueOrDefault(kind) + 1;
        world.Queue.After(NextGapMs(), Next);
    }

    /// <summary>Undo every active fault and bring every process back; the network is whole afterwards.</summary>
    public void HealAll()
    {
        foreach (var heal in _active.Values.ToList()) heal();
        _active.Clear();
        foreach (var node in world.Redis)
        {
            if (!node.Running) node.Restart(withData: true, loadingMs: 100);
            if (node.IsFrozen) node.Thaw();
            node.EndBusyScript();
        }
        foreach (var sentinel in world.Sentinels)
        {
            if (sentinel.Paused) sentinel.Resume();
            if (!sentinel.Running) sentinel.Start();
        }
        for (int a = 0; a < world.Network.HostCount; a++)
        {
            for (int b = 0; b < world.Network.HostCount; b++) world.Network.Latency(a, b).SlowFactor = 1;
        }
        world.Network.Retime();
        world.Operator.FinishPendingMonitors();
        world.Trace.Add(world.NowMs, "faults", $"healed; network whole: {world.Network.IsWhole()}");
    }

    /// <summary>A fault that ends by itself after <paramref name="durationMs"/> (or at heal, whichever comes first).</summary>
    private void Temporary(long durationMs, Action heal)
    {
        int id = ++_lastId;
        _active[id] = heal;
        world.Queue.After(durationMs, () =>
        {
            if (_active.Remove(id)) heal();
        });
    }

    private long Between(long minMs, long maxMs) => minMs + (long)(world.Random.NextDouble() * (maxMs - minMs));

    private void Note(string text) => world.Trace.Add(world.NowMs, "faults", text);

    private bool Inject(FaultKind kind)
    {
        var random = world.Random;
        var network = world.Network;
        switch (kind)
        {
            case FaultKind.ConnectionReset:
            {
                var connection = network.RandomOpenConnection(random);
                if (connection is null) return false;
                Note($"reset connection {network.HostNames[connection.ClientHost]} -> {network.HostNames[connection.ServerHost]}");
                connection.Reset("Connection reset by peer");
                return true;
            }
            case FaultKind.HostResetStorm:
            {
                int host = random.Next(network.HostCount);
                var connections = network.OpenConnectionsOf(host);
                Note($"reset all {connections.Count} connections of {network.HostNames[host]}");
                foreach (var connection in connections) connection.Reset("Connection reset by peer");
                return true;
            }
            case FaultKind.IsolateHost:
            {
                int host = random.Next(network.HostCount);
                long duration = Between(1000, 15000);
                Note($"isolate {network.HostNames[host]} for {duration} ms");
                var cut = new List<(int, int)>();
                for (int other = 0; other < network.HostCount; other++)
                {
                    if (other == host) continue;
                    cut.Add((host, other));
                    cut.Add((other, host));
                }
                Partition(cut, duration);
                return true;
            }
            case FaultKind.SplitNetwork:
            {
                var side = new bool[network.HostCount];
                for (int i = 0; i < side.Length; i++) side[i] = random.Next(2) == 0;
                if (side.All(s => s) || side.All(s => !s)) side[random.Next(side.Length)] ^= true;
                long duration = Between(2000, 20000);
                Note($"split network for {duration} ms: [{string.Join(' ', Enumerable.Range(0, side.Length).Where(i => side[i]).Select(i => network.HostNames[i]))}] | rest");
                var cut = new List<(int, int)>();
                for (int a = 0; a < side.Length; a++)
                {
                    for (int b = 0; b < side.Length; b++)
                    {
                        if (side[a] != side[b]) cut.Add((a, b));
                    }
                }
                Partition(cut, duration);
                return true;
            }
            case FaultKind.OneWayPartition:
            {
                int host = random.Next(network.HostCount);
                long duration = Between(1000, 15000);
                var cut = new List<(int, int)>();
                int mode = random.Next(3);
                if (mode == 2)
                {
                    int other = random.Next(network.HostCount);
                    if (other == host) return false;
                    cut.Add((host, other));
                    Note($"one-way cut {network.HostNames[host]} -> {network.HostNames[other]} for {duration} ms");
                }
                else
                {
                    for (int other = 0; other < network.HostCount; other++)
                    {
                        if (other != host) cut.Add(mode == 0 ? (host, other) : (other, host));
                    }
                    Note($"{network.HostNames[host]} {(mode == 0 ? "cannot send" : "cannot receive")} for {duration} ms");
                }
                Partition(cut, duration);
                return true;
            }
            case FaultKind.SlowLinks:
            {
                int host = random.Next(network.HostCount);
                int factor = 10 + random.Next(90);
                long duration = Between(1000, 10000);
                Note($"links of {network.HostNames[host]} {factor}x slower for {duration} ms");
                for (int other = 0; other < network.HostCount; other++)
                {
                    network.Latency(host, other).SlowFactor = factor;
                    network.Latency(other, host).SlowFactor = factor;
                }
                Temporary(duration, () =>
                {
                    for (int other = 0; other < network.HostCount; other++)
                    {
                        network.Latency(host, other).SlowFactor = 1;
                        network.Latency(other, host).SlowFactor = 1;
                    }
                    network.Retime(host);
                });
                return true;
            }
            case FaultKind.RedisCrash:
            {
                var node = RandomRunningRedis();
                if (node is null) return false;
                bool withData = random.Next(100) < 85;
                long down = Between(500, 20000);
                long loading = random.Next(500);
                Note($"crash {node.Name} for {down} ms, then restart {(withData ? "with" : "without")} data");
                node.Crash();
                Temporary(down, () =>
                {
                    if (node.Running) return;
                    if (!withData) world.NoteDataLoss(node.Group);
                    node.Restart(withData, loading + node.Log.Count / 100);
                });
                return true;
            }
            case FaultKind.RedisFreeze:
            {
                var node = RandomRunningRedis();
                if (node is null) return false;
                long duration = Between(500, 15000);
                node.Freeze(duration);
                Temporary(duration, () => { });
                return true;
            }
            case FaultKind.RedisBusyScript:
            {
                var node = RandomRunningRedis();
                if (node is null) return false;
                long duration = Between(1000, 10000);
                node.RunBusyScript(duration);
                Temporary(duration, node.EndBusyScript);
                return true;
            }
            case FaultKind.RedisSlowLoading:
            {
                var node = RandomRunningRedis();
                if (node is null) return false;
                long loading = Between(3000, 20000);
                Note($"restart {node.Name} with a slow load of {loading} ms");
                node.Crash();
                node.Restart(withData: true, loading);
                return true;
            }
            case FaultKind.SentinelCrash:
            {
                var sentinel = RandomRunningSentinel();
                if (sentinel is null) return false;
                long down = Between(500, 15000);
                sentinel.Crash($"fault, down {down} ms");
                Temporary(down, sentinel.Start);
                return true;
            }
            case FaultKind.SentinelKillAtSave:
            {
                var sentinel = RandomRunningSentinel();
                if (sentinel is null || sentinel.KillBeforeSave is not null) return false;
                long down = Between(500, 10000);
                Note($"kill {sentinel.Name} at its next save, down {down} ms");
                sentinel.KillBeforeSave = _ =>
                {
                    sentinel.KillBeforeSave = null;
                    Temporary(down, sentinel.Start);
                    return true;
                };
                // Disarmed at the heal if no save came: the process must be whole for the liveness check.
                Temporary(_chaosEndMs - world.NowMs, () => sentinel.KillBeforeSave = null);
                return true;
            }
            case FaultKind.SentinelPause:
            {
                var sentinel = RandomRunningSentinel();
                if (sentinel is null || sentinel.Paused) return false;
                long duration = random.Next(3) == 0 ? Between(300, 1900) : Between(2500, 10000);
                Note($"pause {sentinel.Name} for {duration} ms");
                sentinel.Pause();
                Temporary(duration, sentinel.Resume);
                return true;
            }
            case FaultKind.ClockJump:
            {
                var sentinel = world.Sentinels[random.Next(world.Sentinels.Count)];
                if (random.Next(2) == 0)
                {
                    sentinel.JumpClock(random.Next(4) == 0 ? Between(50, 2500) : Between(2500, 60000));
                }
                else
                {
                    // Backward steps leave the core silent until its clock catches up; keep most of them short.
                    int roll = random.Next(100);
                    sentinel.JumpClock(-(roll < 70 ? Between(50, 3000) : roll < 95 ? Between(3000, 15000) : Between(15000, 60000)));
                }
                return true;
            }
            case FaultKind.ClockDrift:
            {
                var sentinel = world.Sentinels[random.Next(world.Sentinels.Count)];
                int ppm = random.Next(-20000, 20001);
                sentinel.Clock.SetDrift(world.NowMs, ppm);
                Note($"{sentinel.Name} clock drift now {ppm} ppm");
                return true;
            }
            case FaultKind.OperatorFailover:
            case FaultKind.OperatorReset:
            case FaultKind.OperatorSet:
            case FaultKind.OperatorRemoveMonitor:
            case FaultKind.OperatorSimulateFailure:
            {
                var sentinel = RandomRunningSentinel();
                if (sentinel is null || sentinel.Paused) return false;
                int group = random.Next(world.Scenario.GroupCount);
                switch (kind)
                {
                    case FaultKind.OperatorFailover: world.Operator.Failover(sentinel, group); break;
                    case FaultKind.OperatorReset: world.Operator.Reset(sentinel, group); break;
                    case FaultKind.OperatorSet: world.Operator.Set(sentinel, group); break;
                    case FaultKind.OperatorSimulateFailure: world.Operator.SimulateFailure(sentinel); break;
                    default: world.Operator.RemoveThenMonitor(sentinel, group, Between(500, 6000)); break;
                }
                return true;
            }
            case FaultKind.ForeignElection:
                return ForeignElection();
            case FaultKind.ForgedHello:
                return world.HelloForger.Attack();
            default:
                return false;
        }
    }

    private void Partition(List<(int From, int To)> cut, long durationMs)
    {
        foreach (var (from, to) in cut) world.Network.Block(from, to);
        Temporary(durationMs, () =>
        {
            foreach (var (from, to) in cut) world.Network.Unblock(from, to);
        });
    }

    /// <summary>One or two scripted candidates ask every sentinel for its vote in the next (or current) epoch.</summary>
    private bool ForeignElection()
    {
        int group = world.Random.Next(world.Scenario.GroupCount);
        string name = world.Scenario.MasterNames[group];
        var asked = RandomRunningSentinel();
        if (asked?.Execute("get-master-addr-by-name", name) is not RespArray { Items: [RespBulkString ip, RespBulkString port] }) return false;
        long epoch = world.Sentinels.Max(s => world.Checker.Track(s).CurrentEpoch) + world.Random.Next(2);
        int candidates = world.Random.Next(3) == 0 ? 1 : 2;
        for (int i = 0; i < candidates; i++)
        {
            world.ForeignCandidates[i].RequestVotes(name, ip.Text, int.Parse(port.Text, System.Globalization.CultureInfo.InvariantCulture), Math.Max(epoch, 1));
        }
        return true;
    }

    private Redis.RedisNode? RandomRunningRedis()
    {
        var running = world.Redis.Where(n => n.Running).ToList();
        return running.Count == 0 ? null : running[world.Random.Next(running.Count)];
    }

    private Sentinels.SentinelNode? RandomRunningSentinel()
    {
        var running = world.Sentinels.Where(s => s.Running).ToList();
        return running.Count == 0 ? null : running[world.Random.Next(running.Count)];
    }
}
