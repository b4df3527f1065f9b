using System.Globalization;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.Events;
using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Failover;

/// <summary>
/// Flap damping: a group whose network keeps being cut and healed must not fail over on every cut. Each failover of
/// the master (a switch to a new address, ours or adopted from a peer) within the last
/// <c>failover-damping</c> ms doubles how long the master must have been down before this sentinel starts an
/// automatic failover (down-after × 2^n, n at most <see cref="Limits.DampingMaxDoublings"/>). Only the start of
/// an attempt is held back: votes are given as usual, and SENTINEL FAILOVER is never damped. The history is saved
/// with the state (<see cref="DampingHistory"/>), so a restarted sentinel stays damped.
/// </summary>
internal sealed class FailoverDamping(CoreClock clock, EventEmitter events)
{
    /// <summary>How many failovers of this master happened within the damping window (old ones are dropped).</summary>
    public int RecentFailovers(MasterRecord master)
    {
        long window = master.Settings.FailoverDampingMs;
        long now = clock.NowMs;
        master.SwitchedAtMs.RemoveAll(at => now - at > window);
        return window <= 0 ? 0 : Math.Min(master.SwitchedAtMs.Count, Limits.DampingMaxDoublings);
    }

    /// <summary>
    /// The time before which an automatic failover must not start: SDOWN began after down-after of silence, so the
    /// master must stay SDOWN for down-after × (2^n − 1) more. <see cref="long.MinValue"/> when not damped.
    /// </summary>
    public long HeldUntil(MasterRecord master)
    {
        int recent = RecentFailovers(master);
        if (recent == 0 || !master.IsSubjectivelyDown) return long.MinValue;
        return master.SubjectivelyDownSinceMs + master.DownAfterMs * ((1L << recent) - 1);
    }

    /// <summary>
    /// When a hold ending at <paramref name="heldUntil"/> (<see cref="HeldUntil"/>, which just pruned the list and found
    /// it not empty) may next change: at its end, or earlier when the oldest recent failover leaves the window (one
    /// doubling fewer; with none left the hold ends at once). The list is oldest first.
    /// </summary>
    public static long HoldChangesAt(MasterRecord master, long heldUntil) =>
        Math.Min(heldUntil, master.SwitchedAtMs[0] + master.Settings.FailoverDampingMs + 1);

    /// <summary>Whether the start is held back now; says so once per outage, with the reason.</summary>
    public bool Holds(MasterRecord master)
    {
        long until = HeldUntil(master);
        if (clock.NowMs >= until) return false;
        if (master.DampingAnnouncedForMs != master.SubjectivelyDownSinceMs)
        {
            master.DampingAnnouncedForMs = master.SubjectivelyDownSinceMs;
            int recent = RecentFailovers(master);
            events.About(LogLevel.Warning, "+failover-damped", master, string.Create(CultureInfo.InvariantCulture,
                $" {recent} failover(s) in the last {master.Settings.FailoverDampingMs} ms: waiting until the master is down for {master.DownAfterMs << recent} ms"));
        }
        return true;
    }
}
