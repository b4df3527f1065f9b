using Vigil.Sentinel.Config;
using Vigil.Sentinel.Events;

namespace Vigil.Sentinel.Detection;

/// <summary>
/// TILT (compatibility-rules §2.2): a tick that comes too late (the process stalled) or from the past (the clock jumped) means every
/// timeout just measured may be wrong, so the acting half pauses for the tilt period while information gathering
/// goes on.
/// </summary>
internal sealed class TiltMonitor(CoreSettings settings, CoreClock clock, EffectQueue effects, TiltState tilt, EventEmitter events)
{
    public void OnTick(long hostNowMs)
    {
        long now = clock.NowMs;
        long delta = hostNowMs - tilt.PreviousTickHostMs;
        // The first tick is compared with the construction time, not with a previous timer run: how long the host
        // took to start its loop (JIT, a loaded machine) says nothing about stale timeouts. A clock that went back
        // still counts: times stored at construction would lie in the future.
        bool first = !tilt.HasTicked;
        tilt.HasTicked = true;
        if (first && delta > settings.Timings.TiltTriggerMs)
        {
            effects.Log(LogLevel.Notice, $"First timer run {delta} ms after start (not a stall: no TILT)");
        }
        else if (delta < 0 || delta > settings.Timings.TiltTriggerMs)
        {
            tilt.Active = true;
            tilt.StartedAtMs = now;
            events.Raw(LogLevel.Warning, "+tilt", null, "#tilt mode entered");
            // The reference does not say why; a stalled process and a clock step call for different fixes.
            effects.Log(LogLevel.Warning, delta < 0
                ? $"TILT cause: the clock went back {-delta} ms between two timer runs"
                : $"TILT cause: {delta} ms passed between two timer runs (limit {settings.Timings.TiltTriggerMs} ms)");
        }
        tilt.PreviousTickHostMs = hostNowMs;
    }

    /// <summary>Whether the acting half may run now; leaves TILT once the period is over.</summary>
    public bool ActingAllowed(long now)
    {
        if (!tilt.Active) return true;
        if (now - tilt.StartedAtMs < settings.Timings.TiltPeriodMs) return false;
        tilt.Active = false;
        events.Raw(LogLevel.Warning, "-tilt", null, "#tilt mode exited");
        return true;
    }

    public long ExitDueAt() => tilt.Active ? tilt.StartedAtMs + settings.Timings.TiltPeriodMs : long.MaxValue;
}
