using System.Globalization;

namespace Vigil.Demo;

/// <summary>
/// One demo, phase by phase: start the group, wait until it is ready, start the client and the event
/// feed, inject the fault, follow the failover until the group converged (or a deadline), read the
/// acknowledged writes back, and measure. The caller owns the processes and the temp dir.
/// </summary>
internal sealed class DemoRun(DemoOptions options, DemoConsole console, ChildProcesses children, string root, string redisServer)
{
    // Long enough to sit out a TILT period (30 s) of a sentinel that started slowly.
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SteadyWrites = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PingCycle = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ConvergenceMargin = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private readonly DemoClock _clock = new();
    private DemoTopology _topology = null!;
    private string SentinelLabel => options.SentinelBinary is { } binary ? Path.GetFileName(binary) : "Vigil";

    public async Task<DemoFigures> RunAsync(CancellationToken cancel)
    {
        _topology = DemoTopology.Start(options, root, children, redisServer);
        console.Line($"{_topology.Master.Name} {_topology.Master.Address}, " +
            string.Join(", ", _topology.Replicas.Select(r => $"{r.Name} {r.Address}")) + " (redis-server)");
        console.Line($"{string.Join(", ", _topology.Sentinels.Select(s => $"{s.Name} {s.Address}"))} ({SentinelLabel}, quorum 2, down-after {options.DownAfterMs} ms)");
        for (int i = 0; i < _topology.DashboardUrls.Count; i++) console.Line($"dashboard of {_topology.Sentinels[i].Name}: {_topology.DashboardUrls[i]}");
        var notReady = await _topology.WaitReadyAsync(ReadyTimeout, missing => console.Progress($"  waiting for {missing} ..."), cancel).ConfigureAwait(false);
        console.EndProgress();
        var figures = new DemoFigures { Sentinel = SentinelLabel, Fault = options.Fault, DownAfterMs = options.DownAfterMs };
        if (notReady is not null) return figures with { Problem = $"the group was not ready after {ReadyTimeout.TotalSeconds:0} s (waiting for {notReady})" };
        console.Line("the sentinels know both replicas and each other; starting the client");

        var client = new WritingClient(_clock, _topology.Sentinels, line => console.Timeline(SinceFault(_clock.NowMs), "client", line["client: ".Length..]));
        await using var feed = await SentinelEventFeed.StartAsync(_topology.Sentinels, _clock, OnEvent(client), cancel).ConfigureAwait(false);
        using var stopClient = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var writing = client.RunAsync(stopClient.Token);
        try
        {
            // The fault lands at a random point of the sentinels' once-a-second PING cycle, as a real one
            // would: the sentinels start together, so without this it would fall at the same phase each run.
            var phase = TimeSpan.FromMilliseconds(Random.Shared.Next((int)PingCycle.TotalMilliseconds));
            await Task.Delay(SteadyWrites + phase, cancel).ConfigureAwait(false);
            await using var fault = new DemoFault(_topology, options);
            _clock.FaultAtMs = _clock.NowMs;
            console.Timeline(0, "fault", fault.Describe() + $" (the client has {client.AckedCount} writes acknowledged)");
            if (await fault.InjectAsync(cancel).ConfigureAwait(false) is { } refused) return figures with { Problem = refused };
            figures = await FollowAsync(figures, feed, client, cancel).ConfigureAwait(false);
        }
        finally
        {
            await stopClient.CancelAsync().ConfigureAwait(false);
            try { await writing.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
        console.EndProgress();
        figures = DemoFigures.FromEvents(figures, feed.Snapshot(), _clock, _topology.Sentinels.Count);
        figures = figures with { WritesAcked = client.AckedCount, WriteErrors = client.ErrorCount };
        var gap = figures.NewMasterPort is { } switchedTo ? client.SwitchGap(switchedTo) : null;
        if (gap is var (fromMs, toMs))
        {
            figures = figures with { UnavailableMs = toMs - fromMs, UnavailableFromMs = SinceFault(fromMs) };
        }
        if (figures.NewMasterPort is { } newMaster)
        {
            figures = figures with { NewMasterName = _topology.DataNodes.FirstOrDefault(node => node.Port == newMaster)?.Name };
            var (_, lost) = await client.CountLostAsync(newMaster, cancel).ConfigureAwait(false);
            figures = figures with { AckedLost = lost };
        }
        return figures;
    }

    private Action<SentinelEvent> OnEvent(WritingClient client) => e =>
    {
        if (e.Channel == "+switch-master")
        {
            var words = e.Message.Split(' ');
            if (words.Length == 5 && int.TryParse(words[4], NumberStyles.None, CultureInfo.InvariantCulture, out var port)) client.OnSwitchMaster(port);
        }
        if (_clock.FaultAtMs is not null) console.Timeline(SinceFault(e.AtMs), _topology.Sentinels[e.Sentinel].Name, $"{e.Channel} {e.Message}");
    };

    private double SinceFault(double atMs) => _clock.SinceFaultMs(atMs);

    /// <summary>Waits, showing progress, until the group converged on a new master or the deadline passed.</summary>
    private async Task<DemoFigures> FollowAsync(DemoFigures figures, SentinelEventFeed feed, WritingClient client, CancellationToken cancel)
    {
        var sleepMs = options.Fault == FaultKind.Sleep ? options.SleepSeconds * 1000.0 : 0;
        var deadlineMs = _clock.FaultAtMs!.Value + sleepMs + options.DownAfterMs + ConvergenceMargin.TotalMilliseconds;
        var oldMaster = _topology.Master;
        var restarted = false;
        while (true)
        {
            var now = _clock.NowMs;
            var events = DemoFigures.FromEvents(figures, feed.Snapshot(), _clock, _topology.Sentinels.Count);
            var failedOver = events.FailoverEndMs is not null && events.SwitchMasterLastMs is not null;
            if (failedOver && options.Fault == FaultKind.Kill && !restarted && !options.StopAfterFailover)
            {
                _topology.RestartMaster();
                restarted = true;
                console.Timeline(SinceFault(now), "demo", $"restarting the old master {oldMaster.Address} (it must come back as a replica)");
            }
            if (failedOver && await ProbeAsync(client, oldMaster, cancel).ConfigureAwait(false) is { } converged)
            {
                return figures with
                {
                    Converged = true,
                    NewMasterPort = converged.NewMasterPort,
                    OldMasterRejoined = converged.OldMasterRejoined,
                    RejoinMs = converged.OldMasterRejoined ? SinceFault(_clock.NowMs) : null,
                };
            }
            if (now > deadlineMs)
            {
                var agreed = await GroupProbe.AgreedMasterAsync(_topology.Sentinels, cancel).ConfigureAwait(false);
                return figures with
                {
                    NewMasterPort = agreed is { } port && port != oldMaster.Port ? port : null,
                    Problem = $"no convergence {(deadlineMs - _clock.FaultAtMs.Value) / 1000:0} s after the fault (waiting for {Awaited(events, failedOver)})",
                };
            }
            var unavailableSince = client.UnavailableSinceMs(now);
            var pause = unavailableSince is { } since ? string.Create(CultureInfo.InvariantCulture, $", none for {(now - since) / 1000:0.0} s") : "";
            console.Progress(string.Create(CultureInfo.InvariantCulture,
                $"  {SinceFault(now) / 1000,7:+0.0} s  waiting for {Awaited(events, failedOver)} | client: {client.AckedCount} writes acknowledged{pause}"));
            await Task.Delay(PollInterval, cancel).ConfigureAwait(false);
        }
    }

    private string Awaited(DemoFigures events, bool failedOver) =>
        options.Fault != FaultKind.Switchover && events.SdownMs is null ? "+sdown"
        : options.Fault != FaultKind.Switchover && events.OdownMs is null ? "+odown"
        : events.SwitchMasterFirstMs is null ? "+switch-master"
        : events.FailoverEndMs is null ? "+failover-end"
        : events.SwitchMasterLastMs is null ? "+switch-master on every sentinel"
        : !failedOver ? "the failover"
        : options.StopAfterFailover ? "the client on the new master"
        : "the old master to rejoin as a replica";

    private sealed record Convergence(int NewMasterPort, bool OldMasterRejoined);

    /// <summary>
    /// Converged: every sentinel names the same new master, it says it is a master, the other live data
    /// nodes replicate from it with the link up, and the client writes to it. Unless the run stops after
    /// the failover, the old master must be among those replicas.
    /// </summary>
    private async Task<Convergence?> ProbeAsync(WritingClient client, DemoNode oldMaster, CancellationToken cancel)
    {
        if (await GroupProbe.AgreedMasterAsync(_topology.Sentinels, cancel).ConfigureAwait(false) is not { } newMaster || newMaster == oldMaster.Port) return null;
        if (client.FirstAckAtMs(newMaster) is null) return null;
        if (await GroupProbe.RoleAsync(newMaster, cancel).ConfigureAwait(false) != NodeRole.Master) return null;
        foreach (var replica in _topology.Replicas)
        {
            if (replica.Port != newMaster && !(await GroupProbe.RoleAsync(replica.Port, cancel).ConfigureAwait(false)).Follows(newMaster)) return null;
        }
        if (options.StopAfterFailover) return new Convergence(newMaster, OldMasterRejoined: false);
        var oldRole = await GroupProbe.RoleAsync(oldMaster.Port, cancel).ConfigureAwait(false);
        return oldRole.Follows(newMaster) ? new Convergence(newMaster, OldMasterRejoined: true) : null;
    }
}
