namespace Vigil.Sentinel.Failover;

/// <summary>
/// Where a replica stands in the reconfiguration of reconf_slaves (compatibility-rules §7.6): told to follow the
/// promoted replica, seen following it, then done (or given up, which also counts as done).
/// </summary>
internal enum ReplicaReconf
{
    None,
    Sent,
    InProgress,
    Done,
}
