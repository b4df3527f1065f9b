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
        return save(snapshot());
    }

    /// <summary>Queues the one save for whatever asked for it during the input just handled.</summary>
    public void FlushPersist()
    {
        if (!PersistRequested) return;
        PersistRequested = false;
        Emit(new PersistState(snapshot()));
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
        Emit(new PersistState(snapshot()));
        Emit(new Exit(99, reason));
        Crashed = true;
    }
}
