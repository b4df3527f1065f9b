using Vigil.Sentinel.Config;
using Vigil.Sentinel.State;

namespace Vigil.Sentinel;

/// <summary>
/// The one way out of the core: effects queued for the host, log lines filtered by the loglevel in force, the
/// requests to save the state, and the simulated crash after which nothing more comes out.
/// </summary>
internal sealed class EffectQueue(CoreSettings settings, Func<SentinelState> snapshot)
{
    public Queue<Effect> Effects { get; } = new();

    /// <summary>Set by anything the reference would answer with a config rewrite; flushed once per input.</summary>
    public bool PersistRequested { get; set; }

    /// <summary>A simulated crash happened: the process is gone as far as anyone can tell, so nothing more comes out.</summary>
    public bool Crashed { get; private set; }

    /// <summary>SIMULATE-FAILURE flags: 1 = crash after election, 2 = crash after promotion.</summary>
    public int SimulateFailureFlags { get; set; }

    public void Emit(Effect effect)
    {
        if (!Crashed) Effects.Enqueue(effect);
    }

    /// <summary>Logs <paramref name="message"/> if the configured loglevel lets it through.</summary>
    public void Log(LogLevel level, string message)
    {
        if (level >= settings.Wide.LogLevel && level != LogLevel.Nothing) Emit(new Log(level, message));
    }

    public void RequestPersist() => PersistRequested = true;

    /// <summary>
    /// A discovered replica or peer is worth saving but promises nothing to anyone (it is found again after a restart):
    /// saved at a bounded rate (<see cref="Limits.DiscoverySaveWindowMs"/>). Votes, epochs and configuration use
    /// <see cref="RequestPersist"/> and are saved with the input that changed them.
    /// </summary>
    public bool DiscoveryPersistRequested { get; private set; }

    /// <inheritdoc cref="DiscoveryPersistRequested"/>
    public void RequestDiscoveryPersist() => DiscoveryPersistRequested = true;

    private long _discoveryWindowStartMs = long.MinValue / 2;
    private int _discoverySavesInWindow;

    /// <summary>When a deferred discovery save is due (the end of the current window); MaxValue when none waits.</summary>
    public long DiscoverySaveDueAt() =>
        DiscoveryPersistRequested ? _discoveryWindowStartMs + Limits.DiscoverySaveWindowMs : long.MaxValue;

    /// <summary>
    /// Saves now, for a command whose reply says whether the save worked; false when it did not. Without a
    /// synchronous saver the save is queued as usual and counts as done.
    /// </summary>
    public bool PersistNow()
    {
        if (settings.Options.SaveStateNow is not { } save)
        {
            RequestPersist();
            return true;
        }
        PersistRequested = false;
        DiscoveryPersistRequested = false;
        return save(snapshot());
    }

    /// <summary>
    /// Queues the one save for whatever asked for it during the input just handled; a discovery save only while the
    /// window at <paramref name="nowMs"/> has room, otherwise it waits for <see cref="DiscoverySaveDueAt"/>.
    /// </summary>
    public void FlushPersist(long nowMs)
    {
        if (!PersistRequested && !(DiscoveryPersistRequested && DiscoverySaveAllowed(nowMs))) return;
        PersistRequested = false;
        DiscoveryPersistRequested = false;
        Emit(new PersistState(snapshot()));
    }

    /// <summary>A save for discovery may be taken now (and is counted); otherwise it waits for the next window.</summary>
    private bool DiscoverySaveAllowed(long nowMs)
    {
        if (nowMs >= _discoveryWindowStartMs + Limits.DiscoverySaveWindowMs)
        {
            _discoveryWindowStartMs = nowMs;
            _discoverySavesInWindow = 0;
        }
        if (_discoverySavesInWindow >= Limits.DiscoverySavesPerWindow) return false;
        _discoverySavesInWindow++;
        return true;
    }

    /// <summary>
    /// SENTINEL SIMULATE-FAILURE: the state is saved first (like the reference, the promotion is on disk before the
    /// crash), then the process exits with 99 and the core ignores every later input.
    /// </summary>
    public void Crash()
    {
        const string reason = "Sentinel CRASH because of SENTINEL simulate-failure";
        Log(LogLevel.Warning, reason);
        PersistRequested = false;
        DiscoveryPersistRequested = false;
        Emit(new PersistState(snapshot()));
        Emit(new Exit(99, reason));
        Crashed = true;
    }
}
