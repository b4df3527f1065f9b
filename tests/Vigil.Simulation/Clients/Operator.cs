using System.Globalization;
using Vigil.Resp;
using Vigil.Simulation.Sentinels;
using Vigil.Simulation.World;

namespace Vigil.Simulation.Clients;

/// <summary>
/// The operator at a sentinel's prompt: SENTINEL FAILOVER, RESET, SET, and REMOVE followed (a little later) by
/// MONITOR of the address other sentinels give, with the group's settings restored by SET, as a person would.
/// </summary>
internal sealed class Operator(SimWorld world)
{
    private readonly List<(SentinelNode Sentinel, int Group)> _pendingMonitors = [];

    public long Commands { get; private set; }

    public void Failover(SentinelNode sentinel, int group)
    {
        string name = world.Scenario.MasterNames[group];
        world.Checker.OnOperatorFailoverRequested(sentinel, name);
        if (Run(sentinel, "failover", name) is RespSimpleString) world.Checker.OnOperatorFailoverAccepted(sentinel, name);
    }

    /// <summary>SENTINEL SIMULATE-FAILURE: the sentinel exits right after its next election win or promotion.</summary>
    public void SimulateFailure(SentinelNode sentinel) =>
        Run(sentinel, "simulate-failure", world.Random.Next(2) == 0 ? "crash-after-election" : "crash-after-promotion");

    public void Reset(SentinelNode sentinel, int group)
    {
        string pattern = world.Random.Next(4) == 0 ? "*" : world.Scenario.MasterNames[group];
        foreach (string name in world.Scenario.MasterNames)
        {
            if (pattern == "*" || pattern == name) world.Checker.OnOperatorReset(sentinel, name);
        }
        Run(sentinel, "reset", pattern);
    }

    public void Set(SentinelNode sentinel, int group)
    {
        if (_pendingMonitors.Contains((sentinel, group))) return; // removed here, not monitored again yet
        string name = world.Scenario.MasterNames[group];
        var scenario = world.Scenario;
        switch (world.Random.Next(4))
        {
            case 0:
                long downAfter = scenario.DownAfterChoicesMs[world.Random.Next(scenario.DownAfterChoicesMs.Count)];
                world.NoteDownAfter(downAfter);
                Run(sentinel, "set", name, "down-after-milliseconds", Text(downAfter));
                break;
            case 1:
                long timeout = scenario.FailoverTimeoutChoicesMs[world.Random.Next(scenario.FailoverTimeoutChoicesMs.Count)];
                world.NoteFailoverTimeout(timeout);
                Run(sentinel, "set", name, "failover-timeout", Text(timeout));
                break;
            case 2:
                Run(sentinel, "set", name, "parallel-syncs", Text(1 + world.Random.Next(3)));
                break;
            default:
                Run(sentinel, "set", name, "quorum", Text(1 + world.Random.Next(scenario.SentinelCount)));
                break;
        }
        ReadBackQuorum(sentinel, name);
    }

    /// <summary>The checker learns the quorum in force from the sentinel itself (whatever SET answered).</summary>
    private void ReadBackQuorum(SentinelNode sentinel, string name)
    {
        if (sentinel.Execute("master", name) is RespMap master && int.TryParse(LivenessCheck.Field(master, "quorum"), out int quorum))
        {
            world.Checker.OnOperatorQuorum(sentinel, name, quorum);
        }
    }

    public void RemoveThenMonitor(SentinelNode sentinel, int group, long delayMs)
    {
        if (_pendingMonitors.Contains((sentinel, group))) return;
        string name = world.Scenario.MasterNames[group];
        if (Run(sentinel, "remove", name) is not RespSimpleString) return;
        world.Checker.OnOperatorRemoved(sentinel, name);
        _pendingMonitors.Add((sentinel, group));
        world.Queue.After(delayMs, () => Monitor(sentinel, group));
    }

    /// <summary>Re-adds every master still waiting for its MONITOR (at heal time, when everyone is up).</summary>
    public void FinishPendingMonitors()
    {
        foreach (var (sentinel, group) in _pendingMonitors.ToList()) Monitor(sentinel, group);
    }

    private void Monitor(SentinelNode sentinel, int group)
    {
        if (!_pendingMonitors.Contains((sentinel, group))) return;
        if (!sentinel.Running || sentinel.Paused)
        {
            world.Queue.After(1000, () => Monitor(sentinel, group));
            return;
        }
        string name = world.Scenario.MasterNames[group];
        var (ip, port) = AddressFromOthers(sentinel, group);
        int quorum = world.Scenario.Quorums[group];
        if (world.Scenario.Hostnames && world.Names.NameOf(ip) is { } hostname)
        {
            MonitorByName(sentinel, group, [ "monitor", name, hostname, Text(port), Text(quorum) ]);
            return;
        }
        if (Run(sentinel, "monitor", name, ip, Text(port), Text(quorum)) is not RespSimpleString) return;
        Monitored(sentinel, group);
    }

    private readonly Dictionary<(SentinelNode Sentinel, int Group), int> _monitorsByNameInFlight = [];

    /// <summary>
    /// MONITOR by hostname: the reply comes once the sentinel's host answered the name. A name that did not resolve
    /// (a failed lookup) is tried again a second later, as a person would.
    /// </summary>
    private void MonitorByName(SentinelNode sentinel, int group, string[] args)
    {
        // One at a time per sentinel process: a second MONITOR while the first waits would be a duplicate.
        if (_monitorsByNameInFlight.TryGetValue((sentinel, group), out int start) && start == sentinel.Starts) return;
        int starts = sentinel.Starts;
        if (!sentinel.Submit(args, reply =>
            {
                _monitorsByNameInFlight.Remove((sentinel, group));
                Commands++;
                world.Trace.Add(world.NowMs, "operator", $"{sentinel.Name}> SENTINEL {string.Join(' ', args)} -> {Tracing.TraceFormat.Resp(reply)}");
                if (reply is RespSimpleString)
                {
                    if (sentinel.Running && !sentinel.Paused && sentinel.Starts == starts) Monitored(sentinel, group);
                    return;
                }
                if (reply is RespError { Text: "ERR Invalid IP address or hostname specified" or "ERR Can't resolve instance hostname." })
                {
                    world.Queue.After(1000, () => Monitor(sentinel, group));
                    return;
                }
                throw new Invariants.InvariantViolationException("operator-command-accepted",
                    $"{sentinel.Name} refused SENTINEL {string.Join(' ', args)}: {Tracing.TraceFormat.Resp(reply)}");
            }))
        {
            return;
        }
        _monitorsByNameInFlight[(sentinel, group)] = starts;
    }

    /// <summary>The master is monitored again: the group's settings are restored.</summary>
    private void Monitored(SentinelNode sentinel, int group)
    {
        string name = world.Scenario.MasterNames[group];
        _pendingMonitors.Remove((sentinel, group));
        Run(sentinel, "set", name,
            "down-after-milliseconds", Text(world.Scenario.DownAfterMs[group]),
            "failover-timeout", Text(world.Scenario.FailoverTimeoutMs[group]),
            "parallel-syncs", Text(world.Scenario.ParallelSyncs[group]));
        ReadBackQuorum(sentinel, name);
    }

    /// <summary>What another sentinel says the master is (the configured address if nobody answers).</summary>
    private (string Ip, int Port) AddressFromOthers(SentinelNode asking, int group)
    {
        foreach (var other in world.Sentinels.OrderBy(_ => world.Random.Next()))
        {
            if (other == asking) continue;
            // An empty address is a name that sentinel has not resolved yet (seed 1309253): no use to the operator.
            if (other.Execute("get-master-addr-by-name", world.Scenario.MasterNames[group]) is RespArray { Items: [RespBulkString ip, RespBulkString port] }
                && ip.Text.Length > 0)
            {
                return (ip.Text, int.Parse(port.Text, CultureInfo.InvariantCulture));
            }
        }
        var master = world.InitialMaster(group);
        return (master.Ip, master.Port);
    }

    private RespValue? Run(SentinelNode sentinel, params string[] args)
    {
        var reply = sentinel.Execute(args);
        if (reply is null) return null;
        Commands++;
        world.Trace.Add(world.NowMs, "operator", $"{sentinel.Name}> SENTINEL {string.Join(' ', args)} -> {Tracing.TraceFormat.Resp(reply)}");
        // FAILOVER may be refused for good reasons (INPROG, NOGOODSLAVE); the others only get valid arguments.
        if (reply is RespError error && args[0] != "failover")
        {
            throw new Invariants.InvariantViolationException("operator-command-accepted",
                $"{sentinel.Name} refused SENTINEL {string.Join(' ', args)}: {error.Text}");
        }
        return reply;
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
