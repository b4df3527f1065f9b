using Vigil.Sentinel.Links;

namespace Vigil.Sentinel.Monitoring;

/// <summary>A Redis instance (master or replica): polled with INFO, watched over pub/sub.</summary>
internal abstract class DataNodeRecord(string name, InstanceAddress address, InstanceLink link, long nowMs)
    : InstanceRecord(name, address, link)
{
    /// <summary>Time of the last INFO reply; 0 if none yet.</summary>
    public long InfoRefreshedAtMs { get; set; }
    public InfoCopy LastInfo { get; } = new();
    public bool InfoInFlight { get; set; }
    public long InfoRetryNotBeforeMs { get; set; }

    /// <summary>The next INFO is due at once: the last one listed a hostname whose answer has just come.</summary>
    public bool InfoWantedNow { get; set; }

    public ReportedRole RoleReported { get; set; }
    public long RoleReportedAtMs { get; set; } = nowMs;

    /// <summary>Last time the master address this node reports (as a replica) changed.</summary>
    public long ReportedMasterChangedAtMs { get; set; } = nowMs;

    /// <summary>From <c>master_host</c> / <c>master_port</c> while the node reports role:slave.</summary>
    public string? ReportedMasterHost { get; set; }
    public int ReportedMasterPort { get; set; }

    /// <summary><c>master_link_down_since_seconds</c> × 1000; 0 when the line is absent.</summary>
    public long MasterLinkDownTimeMs { get; set; }
    public bool MasterLinkUp { get; set; }
    public int SlavePriority { get; set; } = Limits.DefaultReplicaPriority;

    /// <summary>An INFO from this node had <c>slave_priority</c>: until then <see cref="SlavePriority"/> is a guess.</summary>
    public bool PriorityReported { get; set; }
    public ulong SlaveReplOffset { get; set; }
    public int ReplicaAnnounced { get; set; } = 1;

    /// <summary><c>master_repl_offset</c> from the last INFO that had it.</summary>
    public ulong? MasterReplOffset { get; set; }

    /// <summary>A SCRIPT KILL was sent because the node answered BUSY while SDOWN; cleared on -sdown.</summary>
    public bool ScriptKillSent { get; set; }
}
