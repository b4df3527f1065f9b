using Vigil.Resp;

namespace Vigil.Proxy;

/// <summary>
/// Which master the proxy forwards to, and when it stops. The sentinels propose (a <c>+switch-master</c>
/// event, or an answer to SENTINEL MASTER with a newer config epoch); the proposed node must confirm with
/// ROLE that it is a master before any connection is forwarded to it. The master in use is fenced (its
/// connections closed, none forwarded) the moment a switch is announced, when it reports another role,
/// and when no sentinel is reachable and it stops confirming its role.
/// </summary>
public sealed class MasterTracker(ProxyOptions options, ControlAccess access, ProxyLog log, ProxyCounters counters, ConnectionRegistry connections)
{
    /// <summary>How long a proposed master may take to report role master before the proposal is dropped.</summary>
    private const int ConfirmTimeoutMs = 10_000;

    /// <summary>Pause between two ROLE probes of a proposed master that is not (yet) one.</summary>
    private const int ConfirmRetryMs = 50;

    /// <summary>A ROLE query to a node that does not answer within this is counted as failed.</summary>
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private Backend? _current;
    private HostPort? _candidate;
    private long _proposal;
    private long _configEpoch = -1;
    private long _lastRoleConfirmedAtMs;
    private bool _installedBefore;
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>Set by the sentinel poller: whether any sentinel answered its last round.</summary>
    public volatile bool AnySentinelReachable;

    /// <summary>Raised (on any thread) when the proxy lost its master and wants the sentinels asked at once.</summary>
    public event Action? MasterLost;

    public Backend? Current
    {
        get { lock (_gate) return _current; }
    }

    /// <summary>The confirmed master, waiting up to <paramref name="wait"/> for one during a failover; null if none came.</summary>
    public async ValueTask<Backend?> WaitForMasterAsync(TimeSpan wait, CancellationToken cancel)
    {
        var deadlineMs = Environment.TickCount64 + (long)wait.TotalMilliseconds;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_current is { Fenced: false } current) return current;
                changed = _changed.Task;
            }
            var remainingMs = deadlineMs - Environment.TickCount64;
            if (remainingMs <= 0) return null;
            try
            {
                await changed.WaitAsync(TimeSpan.FromMilliseconds(remainingMs), cancel).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }
    }

    /// <summary>A sentinel published <c>+switch-master</c>: the master in use is replaced, whatever epoch it had.</summary>
    public void OnSwitchAnnounced(HostPort newMaster, string sentinel) =>
        Propose(newMaster, epoch: null, $"+switch-master from sentinel {sentinel}");

    /// <summary>A sentinel answered SENTINEL MASTER: acted on only when it names another node with a newer config epoch.</summary>
    public void OnSentinelAnswer(HostPort master, long configEpoch, string sentinel) =>
        Propose(master, configEpoch, $"sentinel {sentinel} (config-epoch {configEpoch})");

    private void Propose(HostPort address, long? epoch, string source)
    {
        Backend? replaced;
        long proposal;
        lock (_gate)
        {
            if (_current?.Address == address)
            {
                if (epoch > _configEpoch) _configEpoch = epoch.Value;
                return;
            }
            if (_candidate == address) return;
            // A sentinel that has not learned of a failover yet still names the old master with the old epoch.
            var decided = _current is not null || _candidate is not null;
            if (epoch is { } e && (e < _configEpoch || (decided && e == _configEpoch))) return;
            if (epoch is { } newer) _configEpoch = newer;
            replaced = _current;
            _current = null;
            _candidate = address;
            proposal = ++_proposal;
        }
        log.Write($"master of '{options.MasterName}' proposed: {address}, by {source}; waiting for it to confirm role master");
        if (replaced is not null) Fence(replaced, $"{address} replaces it");
        _ = ConfirmAsync(address, proposal);
    }

    private async Task ConfirmAsync(HostPort address, long proposal)
    {
        var deadlineMs = Environment.TickCount64 + ConfirmTimeoutMs;
        string last = "no answer yet";
        while (Environment.TickCount64 < deadlineMs)
        {
            lock (_gate)
            {
                if (_proposal != proposal) return;
            }
            try
            {
                await using var client = await ControlClient.ConnectAsync(address, access, QueryTimeout, CancellationToken.None).ConfigureAwait(false);
                var reply = await client.CallAsync(QueryTimeout, CancellationToken.None, "ROLE").ConfigureAwait(false);
                var role = RespFields.Role(reply);
                if (role == "master")
                {
                    Install(address, proposal);
                    return;
                }
                last = reply is RespError error ? error.Text : $"role {role ?? "?"}";
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
            {
                last = ex.Message;
            }
            await Task.Delay(ConfirmRetryMs).ConfigureAwait(false);
        }
        lock (_gate)
        {
            if (_proposal != proposal) return;
            _candidate = null;
        }
        log.Write($"proposed master {address} did not confirm role master within {ConfirmTimeoutMs} ms ({last}); asking the sentinels again");
        MasterLost?.Invoke();
    }

    private void Install(HostPort address, long proposal)
    {
        TaskCompletionSource changed;
        bool isSwitch;
        lock (_gate)
        {
            if (_proposal != proposal) return;
            isSwitch = _installedBefore;
            _installedBefore = true;
            _current = new Backend(address, isMaster: true);
            _candidate = null;
            _lastRoleConfirmedAtMs = Environment.TickCount64;
            changed = _changed;
            _changed = NewSignal();
        }
        if (isSwitch) Interlocked.Increment(ref counters.MasterSwitches);
        log.Write($"forwarding to master {address} of '{options.MasterName}' (confirmed role master); {counters.Describe()}");
        changed.TrySetResult();
    }

    /// <summary>Stops forwarding to <paramref name="backend"/> if it is still the master in use.</summary>
    private void Lose(Backend backend, string reason)
    {
        lock (_gate)
        {
            if (_current != backend) return;
            _current = null;
        }
        Fence(backend, reason);
        MasterLost?.Invoke();
    }

    private void Fence(Backend backend, string reason)
    {
        backend.Fence();
        var closed = connections.CloseAll(backend);
        Interlocked.Add(ref counters.FencedConnections, closed);
        log.Write($"fenced {backend}: {reason}; closed {closed} client connection{(closed == 1 ? "" : "s")}");
    }

    /// <summary>
    /// Asks the master in use for its role every <see cref="ProxyOptions.RoleCheckMs"/>: a node that reports
    /// another role is fenced at once. One that does not answer is left to the sentinels (a frozen master is
    /// theirs to judge), unless none of them is reachable: then the proxy keeps a master only while it confirms.
    /// </summary>
    public async Task RunRoleChecksAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.RoleCheckMs));
        ControlClient? client = null;
        var failing = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                var backend = Current;
                if (backend is null) continue;
                try
                {
                    if (client is not null && client.Address != backend.Address)
                    {
                        await client.DisposeAsync().ConfigureAwait(false);
                        client = null;
                    }
                    client ??= await ControlClient.ConnectAsync(backend.Address, access, QueryTimeout, stop).ConfigureAwait(false);
                    var reply = await client.CallAsync(QueryTimeout, stop, "ROLE").ConfigureAwait(false);
                    var role = RespFields.Role(reply);
                    if (role == "master")
                    {
                        lock (_gate)
                        {
                            if (_current == backend) _lastRoleConfirmedAtMs = Environment.TickCount64;
                        }
                        if (failing) log.Write($"role check: {backend} answers again");
                        failing = false;
                        continue;
                    }
                    Lose(backend, reply is RespError error ? $"ROLE answered {error.Text}" : $"it reports role {role ?? "?"}");
                }
                catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException || (ex is OperationCanceledException && !stop.IsCancellationRequested))
                {
                    if (client is not null) await client.DisposeAsync().ConfigureAwait(false);
                    client = null;
                    if (!failing) log.Write($"role check: {backend} did not answer ROLE ({ex.Message})");
                    failing = true;
                    long sinceMs;
                    lock (_gate) sinceMs = Environment.TickCount64 - _lastRoleConfirmedAtMs;
                    if (!AnySentinelReachable && sinceMs > QueryTimeout.TotalMilliseconds)
                    {
                        Lose(backend, $"no sentinel is reachable and it has not confirmed role master for {sinceMs} ms");
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            if (client is not null) await client.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
