using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Failover;

/// <summary>
/// Chooses the replica to promote (compatibility-rules §7.3). Pure: it reads the records and the clock, changes nothing.
/// </summary>
/// <remarks>
/// Eligible: not SDOWN; both connections up; a valid PING reply within five ping periods; priority reported by
/// the node itself and not 0 (an old master back as a replica record reports no slave_priority while it still
/// claims the master role: the reference assumes 100, though it may be a priority-0 node), unless the master we
/// name follows that node; INFO
/// fresh enough (five ping periods while the master is SDOWN here, since replicas are then polled every second,
/// else three INFO periods); replication link down for at most ten down-after periods plus the master's SDOWN
/// time. Best first: lower priority, larger replication offset, smaller run id (case-insensitive; unknown last).
/// Unlike the reference, a replica reporting <c>master_link_down_since_seconds:-1</c> (its link never came up since
/// it started, so its data may be arbitrarily old) is never chosen: the reference reads -1 as -1000 ms and lets it
/// pass the freshness filter.
/// </remarks>
internal static class ReplicaSelector
{
    public static ReplicaRecord? Select(MasterRecord master, long now, SentinelTimings timings)
    {
        ReplicaRecord? best = null;
        foreach (var replica in master.Replicas.Values)
        {
            if (!IsEligible(master, replica, now, timings)) continue;
            if (best is null || Compare(replica, best) < 0) best = replica;
        }
        return best;
    }

    public static bool IsEligible(MasterRecord master, ReplicaRecord replica, long now, SentinelTimings timings)
    {
        if (replica.IsSubjectivelyDown || replica.Link.IsDisconnected) return false;
        if (now - replica.Link.LastAvailableAtMs > Limits.SelectionPingPeriods * timings.PingPeriodMs) return false;
        if (replica.SlavePriority == 0) return false;
        if (!replica.PriorityReported && !IsFollowedByMaster(master, replica)) return false;
        long infoValidityMs = master.IsSubjectivelyDown
            ? Limits.SelectionPingPeriods * timings.PingPeriodMs
            : Limits.SelectionInfoPeriods * timings.InfoPeriodMs;
        if (replica.InfoRefreshedAtMs == 0 || now - replica.InfoRefreshedAtMs > infoValidityMs) return false;
        if (replica.MasterLinkDownTimeMs < 0) return false; // never linked since it started
        long maxLinkDownMs = Limits.SelectionLinkDownPeriods * master.DownAfterMs;
        if (master.IsSubjectivelyDown) maxLinkDownMs += now - master.SubjectivelyDownSinceMs;
        return replica.MasterLinkDownTimeMs <= maxLinkDownMs;
    }

    /// <summary>
    /// The node the master we name replicates from, over a link that is up, and which claims the master role itself:
    /// it already is the group's master in fact, so choosing it moves no data and promotes nothing, and its unknown
    /// priority (a master's INFO has no <c>slave_priority</c>) is no reason to refuse it. Refused, it would leave a
    /// group whose sentinels were all made to name the old master (REMOVE then MONITOR) without any way back to a
    /// working master, since no other node may be promoted (seed 200368).
    /// </summary>
    private static bool IsFollowedByMaster(MasterRecord master, ReplicaRecord replica) =>
        replica.RoleReported == ReportedRole.Master
        && master.RoleReported == ReportedRole.Slave
        && master.MasterLinkUp
        && master.ReportedMasterHost is { } host
        && master.ReportedMasterPort == replica.Address.Port
        && (string.Equals(host, replica.Address.Ip, StringComparison.OrdinalIgnoreCase)
            || string.Equals(host, replica.Address.Hostname, StringComparison.OrdinalIgnoreCase));

    /// <summary>Negative when <paramref name="a"/> is the better candidate.</summary>
    public static int Compare(ReplicaRecord a, ReplicaRecord b)
    {
        if (a.SlavePriority != b.SlavePriority) return a.SlavePriority.CompareTo(b.SlavePriority);
        if (a.SlaveReplOffset != b.SlaveReplOffset) return b.SlaveReplOffset.CompareTo(a.SlaveReplOffset);
        if (a.RunId is null) return b.RunId is null ? 0 : 1;
        if (b.RunId is null) return -1;
        return string.Compare(a.RunId, b.RunId, StringComparison.OrdinalIgnoreCase);
    }
}
