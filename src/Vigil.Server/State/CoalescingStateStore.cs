using System.Diagnostics;
using Vigil.Sentinel.State;
using Vigil.Server.Observation;

namespace Vigil.Server.State;

/// <summary>
/// Saves the core's state at most once per batch of loop work. The core asks for a save after every input
/// that changed what is persisted; when many such inputs arrive together (a thousand masters' replicas and
/// peers discovered at start-up), saving each one wrote the whole file and fsynced it a thousand times in a
/// row while ticks waited (bench/README.md, scenario 5). Here a requested save is kept as pending, a newer
/// one replaces it, and the loop writes the latest at the end of the batch and before any command's reply
/// is released, so a reply still never overtakes the save of what it caused. Within a batch, the commands
/// sent for later inputs may leave before the save, as those of one input already leave before its own.
/// </summary>
public sealed class CoalescingStateStore(IStateStore inner) : IStateStore
{
    private SentinelState? _pending;

    /// <summary>Told how long each save took; null when off.</summary>
    public ISentinelObserver? Observer { get; set; }

    /// <summary>Saves now (the core's synchronous saves, whose result a reply reports); supersedes a pending save.</summary>
    public bool Save(SentinelState state)
    {
        _pending = null;
        return Timed(state);
    }

    /// <summary>Keeps <paramref name="state"/> to be saved by the next <see cref="Flush"/>.</summary>
    public void Defer(SentinelState state) => _pending = state;

    /// <summary>Saves the pending state, if any.</summary>
    public void Flush()
    {
        if (_pending is not { } state) return;
        _pending = null;
        Timed(state);
    }

    private bool Timed(SentinelState state)
    {
        if (Observer is not { } observer) return inner.Save(state);
        long started = Stopwatch.GetTimestamp();
        bool saved = inner.Save(state);
        observer.OnStateSaved(Stopwatch.GetElapsedTime(started).TotalSeconds, saved);
        return saved;
    }
}
