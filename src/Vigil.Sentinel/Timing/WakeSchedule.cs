using Vigil.Sentinel.Detection;
using Vigil.Sentinel.Discovery;
using Vigil.Sentinel.Failover;
using Vigil.Sentinel.Fencing;
using Vigil.Sentinel.Links;
using Vigil.Sentinel.Monitoring;
using Vigil.Sentinel.Scripts;

namespace Vigil.Sentinel;

/// <summary>
/// When the core must be woken next: the earliest time any rule becomes due. The host sleeps until then instead of
/// ticking at a fixed rate, so each rule reports its own next due time and this takes the minimum.
/// </summary>
internal sealed class WakeSchedule(
    CoreSettings settings, CoreClock clock, EffectQueue effects, TiltState tilt, MonitorState monitored, TiltMonitor tiltMonitor, ScriptQueue scripts,
    LinkManager links, PeriodicCommands periodic, FailureDetector detector, PeerAdmission admission, PeerQueries peerQueries,
    FailoverMachine failover, WriteFence fence)
{
    /// <summary>Records whose due times <see cref="NextDue"/> computed so far (see <c>SentinelCore.RecordVisits</c>).</summary>
    public long RecordVisits { get; private set; }

    /// <summary>The core time of the last tick; null before the first.</summary>
    public long? LastTickMs { get; set; }

    /// <summary>
    /// The earliest time any rule becomes due, at most <see cref="Limits.MaxTickIntervalMs"/> after the last tick
    /// (so TILT still notices a stalled host), never the same millisecond as the last tick, never in the past.
    /// </summary>
    public long NextDue()
    {
        long due = long.MaxValue;
        foreach (var (_, _, dueMs) in Candidates(withNames: false)) due = Math.Min(due, dueMs);
        foreach (var master in monitored.Masters.Values) RecordVisits += 1 + master.Replicas.Count + master.Peers.Count;
        if (LastTickMs is { } last) due = Math.Max(due, last + Limits.MinTickIntervalMs);
        return Math.Max(due, clock.NowMs);
    }

    /// <summary>Every rule's next due time, named (for diagnostics).</summary>
    public IEnumerable<(string Rule, string Record, long DueMs)> Candidates(bool withNames = true)
    {
        long now = clock.NowMs;
        long anchor = LastTickMs ?? settings.Options.StartNowMs;
        long cap = Math.Min(Limits.MaxTickIntervalMs, settings.Timings.TiltTriggerMs / 2);
        yield return ("max-interval", "", anchor + Math.Max(cap, Limits.MinTickIntervalMs));
        yield return ("tilt-exit", "", tiltMonitor.ExitDueAt());
        yield return ("scripts", "", scripts.DueAt());
        yield return ("discovery-save", "", effects.DiscoverySaveDueAt());
        bool acting = !tilt.Active;
        foreach (var master in monitored.Masters.Values)
        {
            foreach (var candidate in InstanceCandidates(master, now, acting, withNames)) yield return candidate;
            foreach (var replica in master.Replicas.Values)
            {
                foreach (var candidate in InstanceCandidates(replica, now, acting, withNames)) yield return candidate;
            }
            foreach (var peer in master.Peers.Values)
            {
                foreach (var candidate in InstanceCandidates(peer, now, acting, withNames)) yield return candidate;
            }
            foreach (var claim in master.PeerClaims.Values)
            {
                yield return ("peer-claim", withNames ? $"{master.Name}/{claim.Name}" : "", admission.DueAt(claim));
            }
            if (acting)
            {
                if (detector.ObjectiveStateIsStale(master)) yield return ("odown", master.Name, now);
                yield return ("peer-queries", master.Name, peerQueries.DueAt(master));
                yield return ("failover", master.Name, failover.DueAt(master));
                yield return ("fence", master.Name, fence.DueAt(master));
            }
            if (master.FailoverState == FailoverState.UpdateConfig) yield return ("switch", master.Name, now);
        }
    }

    private IEnumerable<(string Rule, string Record, long DueMs)> InstanceCandidates(InstanceRecord record, long now, bool acting, bool withNames)
    {
        string name = withNames ? $"{record.OwningMaster.Name}/{record.Name}" : "";
        yield return ("reconnect", name, links.ReconnectDueAt(record));
        yield return ("periodic", name, periodic.DueAt(record));
        if (acting) yield return ("sdown", name, detector.SubjectiveDueAt(record, now));
    }
}
