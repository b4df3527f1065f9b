using Vigil.Sentinel.Links;

namespace Vigil.Sentinel.Monitoring;

/// <summary>A replica of a monitored master, named by its announced <c>host:port</c>.</summary>
internal sealed class ReplicaRecord(string name, InstanceAddress address, InstanceLink link, MasterRecord master, long nowMs)
    : DataNodeRecord(name, address, link, nowMs)
{
    public override InstanceKind Kind => InstanceKind.Slave;
    public override MasterRecord OwningMaster => Master;
    public MasterRecord Master { get; } = master;

    // Failover flags, driven by the failover state machine.
    public bool IsPromoted { get; set; }
    public Failover.ReplicaReconf Reconf { get; set; }
    public bool ReconfSent => Reconf == Failover.ReplicaReconf.Sent;
    public bool ReconfInProgress => Reconf == Failover.ReplicaReconf.InProgress;
    public bool ReconfDone => Reconf == Failover.ReplicaReconf.Done;
    public long ReconfSentAtMs { get; set; }

    /// <summary>
    /// This node lost the master role to a configuration with a higher epoch (it is the old master of a switch, or
    /// a replica our aborted failover told to become master): while it still reports role:master it is sent back
    /// under the current master at once, without the reference's wait. Cleared once it reports role:slave, and
    /// dropped once our current epoch moves past <see cref="FenceEpoch"/>.
    /// </summary>
    public bool AwaitingFence { get; set; }

    /// <summary>
    /// Our current epoch when <see cref="AwaitingFence"/> was set. An election in a later epoch may have promoted this
    /// very node, so the epoch that took the role from it no longer says it is not the master (seed 425791).
    /// </summary>
    public long FenceEpoch { get; set; }
}
