using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Failover;

/// <summary>
/// The failovers flap damping counts (<see cref="MasterRecord.SwitchedAtMs"/>, on the core's monotonic clock) as
/// saved in the state file: dated by the wall clock the host gave at start, since the monotonic clock starts over
/// with every process. Without a wall clock (<see cref="CoreOptions.StartWallMs"/> 0) nothing is saved or restored.
/// </summary>
internal static class DampingHistory
{
    /// <summary>The failovers kept (those past the window are dropped when damping next looks, and on restore), as Unix milliseconds.</summary>
    public static IReadOnlyList<long> Save(MasterRecord master, CoreOptions options) =>
        options.StartWallMs == 0 ? [] : master.SwitchedAtMs.Select(at => options.StartWallMs + (at - options.StartNowMs)).ToList();

    /// <summary>
    /// Puts saved failovers back on the monotonic clock. One dated after the start (the wall clock was stepped back
    /// since) counts as happening now: the history errs towards damping, and lasts at most one window.
    /// </summary>
    public static void Restore(MasterRecord master, IReadOnlyList<long> saved, CoreOptions options, long nowMs)
    {
        if (options.StartWallMs == 0) return;
        long window = master.Settings.FailoverDampingMs;
        foreach (long wall in saved)
        {
            long at = Math.Min(nowMs, options.StartNowMs + (wall - options.StartWallMs));
            if (nowMs - at <= window) master.SwitchedAtMs.Add(at);
        }
        master.SwitchedAtMs.Sort();
    }
}
