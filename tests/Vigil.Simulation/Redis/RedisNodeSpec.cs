namespace Vigil.Simulation.Redis;

/// <summary>How one Redis instance is configured at the start of a run.</summary>
internal sealed record RedisNodeSpec
{
    public required int Group { get; init; }
    public required int Index { get; init; }
    public required string Ip { get; init; }
    public required int Port { get; init; }

    /// <summary><c>replicaof</c> in its config file; null for the group's initial master.</summary>
    public RedisAddress? ReplicaOf { get; init; }

    /// <summary><c>replica-priority</c>: 0 means never promote.</summary>
    public int Priority { get; init; } = 100;
    public int MinReplicasToWrite { get; init; }
    public int MinReplicasMaxLagSeconds { get; init; } = 10;

    /// <summary><c>repl-timeout</c>: how long a silent replication link is kept before it is declared down.</summary>
    public long ReplTimeoutMs { get; init; } = 60000;
}
