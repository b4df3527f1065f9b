using Vigil.Sentinel.Links;

namespace Vigil.Sentinel.Monitoring;

/// <summary>What this sentinel keeps about one instance: a master, a replica of one, or a peer sentinel of one.</summary>
internal abstract class InstanceRecord(string name, InstanceAddress address, InstanceLink link)
{
    public abstract InstanceKind Kind { get; }

    /// <summary>The master this record belongs to; the record itself for a master.</summary>
    public abstract MasterRecord OwningMaster { get; }

    public string Name { get; set; } = name;
    public InstanceAddress Address { get; set; } = address;
    public InstanceLink Link { get; set; } = link;

    /// <summary>Run id from INFO (data nodes) or from hello (peers); null while unknown.</summary>
    public string? RunId { get; set; }

    public long DownAfterMs => OwningMaster.Settings.DownAfterMs;

    public bool IsSubjectivelyDown { get; set; }

    /// <summary>When the last SDOWN began; kept after <c>-sdown</c> for "no SDOWN within X" checks.</summary>
    public long SubjectivelyDownSinceMs { get; set; }

    /// <summary>Last successful hello PUBLISH to this instance (<c>last_pub_time</c>).</summary>
    public long LastHelloPublishedAtMs { get; set; }
    public bool HelloInFlight { get; set; }
    public long HelloRetryNotBeforeMs { get; set; }

    /// <summary>Set once the record is gone, so replies it still waits for are dropped.</summary>
    public bool IsRemoved { get; set; }
}
