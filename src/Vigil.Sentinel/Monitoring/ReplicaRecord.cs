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
    public bool ReconfSent { get; set; }
    public bool ReconfInProgress { get; set; }
    public bool ReconfDone { get; set; }
    public long ReconfSentAtMs { get; set; }
}
