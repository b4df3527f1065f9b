namespace Vigil.Sentinel;

/// <summary>
/// The core's clock: the time of the input being handled. It never goes back, so a time stored before a backward
/// step of the host's clock never lies in the future.
/// </summary>
internal sealed class CoreClock(long startNowMs)
{
    /// <summary>"Long ago" for a time that has not happened yet (e.g. an epoch loaded, not raised).</summary>
    public const long LongAgoMs = long.MinValue / 4;

    /// <summary>Monotonic time at construction; records created at start count their timers from here.</summary>
    public long StartNowMs { get; } = startNowMs;

    /// <summary>Time of the input being handled, on the core's clock (see <see cref="AdvanceClock"/>).</summary>
    public long NowMs { get; private set; } = startNowMs;

    /// <summary>Core clock minus host clock: the sum of the host clock's backward steps.</summary>
    public long ClockOffsetMs { get; private set; }

    /// <summary>
    /// Sets <see cref="NowMs"/> from the host's time. A backward step of the host's clock is absorbed into
    /// <see cref="ClockOffsetMs"/>. Otherwise every time stored before the step would lie in the future, so that "PING
    /// sent 3 s ago" or "answer 4 s old" stayed true, silencing PING/INFO and keeping peers' stale down answers fresh
    /// for the length of the step. TILT still sees the step (on host times).
    /// </summary>
    public void AdvanceClock(long hostNowMs)
    {
        long now = hostNowMs + ClockOffsetMs;
        if (now < NowMs)
        {
            ClockOffsetMs += NowMs - now;
            now = NowMs;
        }
        Invariants.Check(now >= NowMs, "the core's clock went back");
        NowMs = now;
    }

    /// <summary>A time on the core's clock as the host's clock reads it.</summary>
    public long ToHostMs(long coreMs) => coreMs == long.MaxValue ? coreMs : coreMs - ClockOffsetMs;
}
