namespace Vigil.Sentinel.State;

/// <summary>What this sentinel knows about one monitored master, as of the last save.</summary>
public sealed record MasterState
{
    public required string Name { get; init; }

    /// <summary>The master's current address: where failovers and adopted configurations moved it.</summary>
    public required MasterAddress Address { get; init; }

    /// <summary>Settings in force (config lines plus <c>SENTINEL SET</c> changes).</summary>
    public required MasterSettings Settings { get; init; }

    /// <summary>The config file's lines for this master at save time; null when the config had no such master
    /// (it was added with <c>SENTINEL MONITOR</c>).</summary>
    public ConfigBaseline? ConfigBaseline { get; init; }

    public long ConfigEpoch { get; init; }

    /// <summary>The configuration of <see cref="ConfigEpoch"/> came from our own SENTINEL FAILOVER, made without agreement.</summary>
    public bool ConfigEpochForced { get; init; }
    public long LeaderEpoch { get; init; }

    /// <summary>Run id this sentinel voted for in <see cref="LeaderEpoch"/> (the reference forgets it on restart).</summary>
    public string? Leader { get; init; }

    /// <summary>
    /// When the master's recent failovers happened (Unix milliseconds), for flap damping: those within its
    /// <c>failover-damping</c> window at save time.
    /// </summary>
    public IReadOnlyList<long> RecentFailovers { get; init; } = [];

    public IReadOnlyList<KnownReplicaState> KnownReplicas { get; init; } = [];
    public IReadOnlyList<KnownSentinelState> KnownSentinels { get; init; } = [];
}
