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
/// ticking at a fixed rate, so each rule reports its own next due time and this takes the minimum. Per-master due
/// times are kept in a <see cref="MasterDueHeap"/> and recomputed only for the masters an input touched, so the
/// cost of a wake does not grow with the fleet. A peer sentinel's link, shared by every master the peer watches, is
/// scheduled once (<see cref="PeerLinkSchedule"/>): its PINGs, reconnects and health checks are due there, not in each
/// master's due time.
/// </summary>
internal sealed class WakeSchedule(
    CoreSettings settings, CoreClock clock, EffectQueue effects, TiltState tilt, MonitorState monitored, TiltMonitor tiltMonitor, ScriptQueue scripts,
    LinkManager links, PeriodicCommands periodic, FailureDetector detector, PeerAdmission admission, PeerQueries peerQueries,
    FailoverMachine failover, WriteFence fence)
{
    private readonly MasterDueHeap _heap = new();
    private readonly PeerLinkSchedule _peerLinks = new(tilt, links, periodic, detector);
    private long _masterRecordVisits;

    /// <summary>Records whose due times <see cref="NextDue"/> computed so far (see <c>SentinelCore.RecordVisits</c>).</summary>
    public long RecordVisits => _masterRecordVisits + _peerLinks.RecordVisits;

    /// <summary>The core time of the last tick; null before the first.</summary>
    public long? LastTickMs { get; set; }

    private long _nextSweepMs = long.MinValue;

    // One delegate for every refresh: a lambda over this would be a new one after every input.
    private Func<MasterRecord, long>? _countedDue;

    private long CountedDue(MasterRecord master) => MasterDue(master, count: true);

    /// <summary>
    /// Whether the tick at <paramref name="nowMs"/> visits every master (once every <see cref="MasterDueHeap.FullSweepMs"/>):
    /// a backstop that bounds how late a change no touch reported can act, and the pace of the rules that only run
    /// then (layout warnings). Starts the next interval when it says yes.
    /// </summary>
    public bool TakeSweep(long nowMs)
    {
        if (nowMs < _nextSweepMs) return false;
        _nextSweepMs = nowMs + MasterDueHeap.FullSweepMs;
        return true;
    }

    /// <summary>
    /// Adds to <paramref name="due"/>, earliest first, every master with a rule due at or before <paramref name="nowMs"/>
    /// (touched masters recomputed first), and to <paramref name="linkDue"/> the peer records whose shared link has a
    /// rule due (PING, reconnect, health check). Each master is unscheduled until touched again, as a visit does; each
    /// link until checked again after the tick.
    /// </summary>
    public void TakeDue(long nowMs, List<MasterRecord> due, List<PeerRecord> linkDue)
    {
        CheckLinks();
        // First: a peer's silence that lasted long enough touches its masters, which then count in this tick.
        _peerLinks.TakeDue(nowMs, linkDue, _heap);
        _heap.Refresh(_countedDue ??= CountedDue);
        _heap.TakeDue(nowMs, due);
    }

    /// <summary>The master's due times may have changed: they are recomputed at the next <see cref="NextDue"/>.</summary>
    public void Touch(MasterRecord master) => _heap.Touch(master);

    /// <summary>Every master's due times may have changed (and its settings, which group a peer link's users).</summary>
    public void TouchAll()
    {
        foreach (var master in monitored.Masters.Values) _heap.Touch(master);
        _peerLinks.RegroupAll();
    }

    /// <summary>Touches every master using <paramref name="link"/> (a peer's link serves one record per master).</summary>
    private void TouchUsers(InstanceLink link) => PeerLinkSchedule.TouchUsers(link, _heap);

    /// <summary>
    /// An input on <paramref name="link"/> (a PING's reply, a connection up or closed) is about to change it. A peer's
    /// link reschedules itself (its masters are touched only if it became usable or unusable, or a silence they were
    /// told of ended); any other link touches its users.
    /// </summary>
    public void OnLinkChanged(InstanceLink link)
    {
        if (_peerLinks.Tracks(link)) _peerLinks.Changed(link);
        else TouchUsers(link);
    }

    /// <summary>
    /// Checks the peer links the touched masters use, and those an input or a tick changed: a change that matters
    /// to every master using one (see <see cref="PeerLinkSchedule"/>) touches them all.
    /// </summary>
    public void CheckLinks()
    {
        _peerLinks.CheckPending(_heap);
        // Only the masters touched since the last check: a master checked earlier in a batch of inputs and not touched
        // since has nothing new. Checking touches a shared link's users, which are then taken and checked too.
        var taken = _touchedSinceChecked;
        taken.Clear();
        int checkedCount = 0;
        for (_heap.TakeTouchedSinceTaken(taken); checkedCount < taken.Count; _heap.TakeTouchedSinceTaken(taken))
        {
            while (checkedCount < taken.Count) _peerLinks.Check(taken[checkedCount++], _heap);
        }
    }

    private readonly List<MasterRecord> _touchedSinceChecked = [];

    /// <summary>
    /// The masters <see cref="CheckLinks"/> took last: those touched since the check before it, with the users of the
    /// shared links that changed. After an input, what that input touched (and what a tick before it did).
    /// </summary>
    public IReadOnlyList<MasterRecord> TouchedSinceChecked => _touchedSinceChecked;

    /// <summary>
    /// The earliest time any rule becomes due, at most <see cref="Limits.MaxTickIntervalMs"/> after the last tick
    /// (so TILT still notices a stalled host), never the same millisecond as the last tick, never in the past.
    /// Only the masters touched since the last call are recomputed; the others keep their stored due times.
    /// </summary>
    public long NextDue()
    {
        CheckLinks();
        _heap.Refresh(_countedDue ??= CountedDue);
        return Clamp(Math.Min(GlobalDue(), Math.Min(_heap.EarliestDueMs(), _peerLinks.EarliestDueMs())));
    }

    /// <summary>The next due time computed by visiting every master: what <see cref="NextDue"/> must never be later than (for tests).</summary>
    public long ScanNextDue()
    {
        long due = GlobalDue();
        foreach (var master in monitored.Masters.Values)
        {
            if (!master.IsRemoved) due = Math.Min(due, MasterDue(master, count: false, withPeerLinkRules: true));
        }
        return Clamp(due);
    }

    private long Clamp(long due)
    {
        if (LastTickMs is { } last) due = Math.Max(due, last + Limits.MinTickIntervalMs);
        return Math.Max(due, clock.NowMs);
    }

    /// <summary>The rules that belong to no master: the longest gap between ticks, the end of TILT, scripts, discovery saves.</summary>
    private long GlobalDue()
    {
        long anchor = LastTickMs ?? settings.Options.StartNowMs;
        long cap = Math.Min(Limits.MaxTickIntervalMs, settings.Timings.TiltTriggerMs / 2);
        long due = anchor + Math.Max(cap, Limits.MinTickIntervalMs);
        due = Math.Min(due, tiltMonitor.ExitDueAt());
        due = Math.Min(due, scripts.DueAt());
        return Math.Min(due, effects.DiscoverySaveDueAt());
    }

    /// <summary>
    /// When a tick next has something to do for this master, its replicas, its peers or its peer claims; its peers'
    /// PINGs, reconnects and link-health checks only with <paramref name="withPeerLinkRules"/> (they are their links'
    /// rules, scheduled once per link).
    /// </summary>
    private long MasterDue(MasterRecord master, bool count, bool withPeerLinkRules = false)
    {
        long now = clock.NowMs;
        bool acting = !tilt.Active;
        long due = RecordDue(master, now, acting);
        foreach (var replica in master.Replicas.Values) due = Math.Min(due, RecordDue(replica, now, acting));
        foreach (var peer in master.Peers.Values) due = Math.Min(due, RecordDue(peer, now, acting, withPeerLinkRules));
        if (count) _masterRecordVisits += 1 + master.Replicas.Count + master.Peers.Count;
        foreach (var claim in master.PeerClaims.Values) due = Math.Min(due, admission.DueAt(claim));
        if (acting)
        {
            if (detector.ObjectiveStateIsStale(master)) due = now;
            due = Math.Min(due, peerQueries.DueAt(master));
            due = Math.Min(due, failover.DueAt(master));
            due = Math.Min(due, fence.DueAt(master));
        }
        if (master.FailoverState == FailoverState.UpdateConfig) due = now;
        return due;
    }

    private long RecordDue(InstanceRecord record, long now, bool acting, bool withLinkRules = true)
    {
        long due = periodic.DueAt(record, withLinkRules);
        if (withLinkRules) due = Math.Min(due, links.ReconnectDueAt(record));
        return acting ? Math.Min(due, detector.SubjectiveDueAt(record, now, withLinkRules)) : due;
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
