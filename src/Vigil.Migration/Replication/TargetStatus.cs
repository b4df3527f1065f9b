using Vigil.Migration.Links;

namespace Vigil.Migration.Replication;

/// <summary>Where one target is in its sync, from its INFO replication and persistence sections.</summary>
public sealed record TargetStatus
{
    public required RedisEndpoint Endpoint { get; init; }
    public bool LinkUp { get; init; }
    public bool SyncInProgress { get; init; }
    public bool Loading { get; init; }
    public long RdbTotalBytes { get; init; }
    public long RdbReadBytes { get; init; }
    public long LoadedBytes { get; init; }
    public long Offset { get; init; }
    public long LagBytes { get; init; }
    public double LagSeconds { get; init; }

    /// <summary>Caught up with the stream closely enough to cut over: the cutover waits for the last bytes.</summary>
    public bool InSync => LinkUp && !Loading && !SyncInProgress && LagSeconds <= MaxInSyncLagSeconds;

    public const double MaxInSyncLagSeconds = 1.0;

    public static TargetStatus From(RedisEndpoint endpoint, InfoFields info) => new()
    {
        Endpoint = endpoint,
        LinkUp = info["master_link_status"] == "up",
        SyncInProgress = info["master_sync_in_progress"] == "1",
        Loading = info["loading"] == "1" || info["async_loading"] == "1",
        RdbTotalBytes = info.Long("master_sync_total_bytes") ?? -1,
        RdbReadBytes = info.Long("master_sync_read_bytes") ?? 0,
        LoadedBytes = info.Long("loading_loaded_bytes") ?? 0,
        Offset = info.Long("slave_repl_offset") ?? 0,
    };

    public string Describe()
    {
        // A replica that stores the RDB on disk first still counts as syncing while it loads it.
        if (Loading) return "loading RDB " + Units.Bytes(LoadedBytes);
        if (SyncInProgress)
        {
            if (RdbReadBytes == 0) return "waiting for the RDB";
            return "RDB " + Units.Bytes(RdbReadBytes) + (RdbTotalBytes > 0 ? " of " + Units.Bytes(RdbTotalBytes) : "");
        }
        if (!LinkUp) return "link down (connecting, or the source is preparing the RDB)";
        return $"lag {Units.Bytes(LagBytes)} / {LagSeconds:0.00} s" + (InSync ? " (in sync)" : "");
    }
}
