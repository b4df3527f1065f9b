using Vigil.Migration.Links;

namespace Vigil.Migration.Preflight;

/// <summary>What preflight learned about one Redis server. Null means the server did not say (CONFIG refused, field absent).</summary>
public sealed record NodeFacts
{
    public required RedisEndpoint Endpoint { get; init; }
    public required string Version { get; init; }
    public required string Role { get; init; }
    public required string RunId { get; init; }
    public RedisEndpoint? Upstream { get; init; }
    public IReadOnlyList<RedisEndpoint> Replicas { get; init; } = [];
    public long UsedMemoryBytes { get; init; }
    public long MaxMemoryBytes { get; init; }
    public SortedDictionary<int, long> KeysPerDb { get; init; } = [];
    public long MasterReplOffset { get; init; }
    public long? ReplBacklogBytes { get; init; }
    public int? ReplTimeoutSeconds { get; init; }
    public int? Databases { get; init; }
    public int? ReplicaPriority { get; init; }
    public OutputBufferLimit? ReplicaOutputBufferLimit { get; init; }

    /// <summary>The name this server answers to for REPLICAOF (REPLICAOF, or SLAVEOF on old or restricted servers), or null when both are refused.</summary>
    public string? ReplicaOfCommand { get; init; }

    /// <summary>RESTORE is there (the stream mode writes every key of the snapshot with it).</summary>
    public bool AcceptsRestore { get; init; }

    /// <summary>PSYNC is there (the stream mode replicates the source with it).</summary>
    public bool AcceptsPsync { get; init; }

    /// <summary>Null when CONFIG is refused: the stream mode then cannot fence the source after the cutover.</summary>
    public int? MinReplicasToWrite { get; init; }

    /// <summary>Clients subscribed to the sentinels' hello channel: sentinels watch this server.</summary>
    public long SentinelSubscribers { get; init; }

    public bool IsMaster => Role == "master";
    public long Keys => KeysPerDb.Values.Sum();

    public Version ParsedVersion => System.Version.TryParse(Version, out var v) ? v : new Version(0, 0);

    /// <summary><c>CLIENT PAUSE ... WRITE</c> came with Redis 6.2.</summary>
    public bool HasClientPauseWrite => ParsedVersion >= new Version(6, 2);
}

/// <summary>The <c>replica</c> class of <c>client-output-buffer-limit</c>: 0 means no limit.</summary>
public sealed record OutputBufferLimit(long HardBytes, long SoftBytes, int SoftSeconds);
