namespace Vigil.Simulation.Invariants;

/// <summary>What the checker has learned about one sentinel from its events and saved states.</summary>
internal sealed class SentinelTrack
{
    public string RunId { get; set; } = "";
    public bool Running { get; set; }
    public long CurrentEpoch { get; set; }
    public bool InTilt { get; set; }
    public long LeftTiltAtMs { get; set; } = -1;

    /// <summary>Instances this sentinel currently flags SDOWN, by event name (kind, name, master).</summary>
    public HashSet<string> SubjectivelyDown { get; } = new(StringComparer.Ordinal);

    /// <summary>Per master: when this sentinel last stopped seeing it down (its answers stay valid a while).</summary>
    public Dictionary<string, long> MasterDownEndedAtMs { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, FailoverAttempt> Failovers { get; } = new(StringComparer.Ordinal);

    /// <summary>Highest persisted config epoch and leader epoch per master, and current epoch.</summary>
    public Dictionary<string, long> PersistedConfigEpoch { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, long> PersistedLeaderEpoch { get; } = new(StringComparer.Ordinal);

    /// <summary>The master's address (host:port) in the last saved state, per master.</summary>
    public Dictionary<string, string> PersistedAddress { get; } = new(StringComparer.Ordinal);
    public long PersistedCurrentEpoch { get; set; }

    /// <summary>Config epoch per master as last answered to a client (SENTINEL MASTER).</summary>
    public Dictionary<string, long> ClientViewEpoch { get; } = new(StringComparer.Ordinal);

    /// <summary>Effective quorum per master (config, then SENTINEL SET / MONITOR).</summary>
    public Dictionary<string, int> Quorum { get; } = new(StringComparer.Ordinal);

    /// <summary>When the operator last asked this sentinel for SENTINEL FAILOVER of a master.</summary>
    public Dictionary<string, long> ForcedFailoverRequestedAtMs { get; } = new(StringComparer.Ordinal);

    /// <summary>Masters whose SENTINEL FAILOVER this sentinel accepted in TILT: it starts on the first tick after TILT.</summary>
    public HashSet<string> DeferredForcedFailovers { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Masters whose peers this sentinel may not all know through no fault of its own: it started without them in its
    /// state, or the operator made it forget them and the replicas (RESET, REMOVE then MONITOR).
    /// </summary>
    public HashSet<string> PeersForgotten { get; } = new(StringComparer.Ordinal);

    /// <summary>Peers known per master, as of the last saved state.</summary>
    public Dictionary<string, int> KnownSentinels { get; } = new(StringComparer.Ordinal);

    /// <summary>Masters the operator made this sentinel forget (RESET, REMOVE then MONITOR): replicas included.</summary>
    public HashSet<string> ResetByOperator { get; } = new(StringComparer.Ordinal);

    /// <summary>Every "&lt;master&gt; &lt;ip&gt;:&lt;port&gt;" this sentinel ever announced as a replica (+slave).</summary>
    public HashSet<string> EverListed { get; } = new(StringComparer.Ordinal);

    /// <summary>When the sentinel's process last started (true time).</summary>
    public long StartedAtMs { get; set; }

    /// <summary>When its clock was last stepped (true time); -1 never.</summary>
    public long ClockJumpedAtMs { get; set; } = -1;

    /// <summary>Per master: when this sentinel's current SDOWN of the master began (true time of its +sdown).</summary>
    public Dictionary<string, long> MasterDownSinceMs { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Per master: the true times of this sentinel's +switch-master events, each with when the process that saw it
    /// started (kept across restarts, as the core keeps its damping history).
    /// </summary>
    public Dictionary<string, List<(long AtMs, long ProcessStartedAtMs)>> SwitchesAtMs { get; } = new(StringComparer.Ordinal);

    /// <summary>Per master: the address the sentinel's latest +switch-master moved away from, and when, while the process that switched still runs.</summary>
    public Dictionary<string, (string From, string To, long AtMs, long Epoch)> LastSwitch { get; } = new(StringComparer.Ordinal);

    /// <summary>Per master: when this sentinel's latest failover attempt was aborted (true time).</summary>
    public Dictionary<string, long> FailoverAbortedAtMs { get; } = new(StringComparer.Ordinal);

    /// <summary>Per master: down-after and failover-damping in force, from the last saved state.</summary>
    public Dictionary<string, (long DownAfterMs, long DampingMs)> Timing { get; } = new(StringComparer.Ordinal);

    public static string DownKey(EventText e) => $"{e.Kind} {e.Name} @{e.Master}";
}
