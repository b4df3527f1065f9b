using System.Diagnostics;
using Vigil.Sentinel.State;
using Vigil.Server.Observation;

namespace Vigil.Server.State;

/// <summary>
/// Saves the core's state at most once per batch of loop work. The core asks for a save after every input
/// that changed what is persisted; when many such inputs arrive together (a thousand masters' replicas and
/// peers discovered at start-up), saving each one wrote the whole file and fsynced it a thousand times in a
/// row while ticks waited (bench/README.md, scenario 5). Here a requested save is kept as pending, a newer
/// one replaces it, and the loop writes the latest at the end of the batch and answers the core with its number,
/// which confirms the older ones too. What the core holds back until a save (a vote's reply, a request at a new
/// epoch) leaves only then.
/// </summary>
public sealed class CoalescingStateStore(IStateStore inner)
{
    private SentinelState? _pending;
    private long _pendingSeq;

    /// <summary>Told how long each save took; null when off.</summary>
    public ISentinelObserver? Observer { get; set; }

    /// <summary>Keeps <paramref name="state"/> (save number <paramref name="seq"/>) to be saved by the next <see cref="Flush"/>.</summary>
    public void Defer(SentinelState state, long seq)
    {
        _pending = state;
        _pendingSeq = seq;
    }

    /// <summary>Whether a save waits for <see cref="Flush"/>.</summary>
    public bool HasPending => _pending is not null;

    /// <summary>Saves the pending state, if any: its number and whether it reached the disk.</summary>
    public (long Seq, bool Ok)? Flush()
    {
        if (_pending is not { } state) return null;
        _pending = null;
        return (_pendingSeq, Timed(state));
    }

    /// <summary>Saves <paramref name="state"/> at once (at shutdown, after the loop stopped).</summary>
    public bool Save(SentinelState state) => Timed(state);

    private bool Timed(SentinelState state)
    {
        if (Observer is not { } observer) return inner.Save(state);
        long started = Stopwatch.GetTimestamp();
        bool saved = inner.Save(state);
        observer.OnStateSaved(Stopwatch.GetElapsedTime(started).TotalSeconds, saved);
        return saved;
    }
}
