namespace Vigil.Simulation.Scheduling;

/// <summary>
/// The discrete-event scheduler: actions ordered by (time, insertion sequence). No real time passes; a run jumps
/// from one event to the next, so an hour of simulated time costs only the work done inside it. Ties keep
/// insertion order, which makes every run of a seed identical.
/// </summary>
internal sealed class EventQueue
{
    private readonly PriorityQueue<Action, (long TimeMs, long Sequence)> _queue = new();
    private long _sequence;

    /// <summary>Simulated true time (ms): the time of the event being run.</summary>
    public long NowMs { get; private set; }

    public long EventsRun { get; private set; }

    public int Pending => _queue.Count;

    /// <summary>Runs <paramref name="action"/> at <paramref name="timeMs"/> (never in the past).</summary>
    public void At(long timeMs, Action action) => _queue.Enqueue(action, (Math.Max(timeMs, NowMs), _sequence++));

    public void After(long delayMs, Action action) => At(NowMs + delayMs, action);

    /// <summary>Runs every event up to and including <paramref name="untilMs"/>, then sets the clock to it.</summary>
    public void RunUntil(long untilMs)
    {
        while (_queue.TryPeek(out _, out var key) && key.TimeMs <= untilMs)
        {
            var action = _queue.Dequeue();
            NowMs = key.TimeMs;
            EventsRun++;
            action();
        }
        NowMs = Math.Max(NowMs, untilMs);
    }
}
