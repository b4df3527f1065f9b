namespace Vigil.Simulation.Redis;

/// <summary>
/// The Redis 7.0 command flags the model honours: allowed while loading (<c>loading</c>), while a script is busy
/// (<c>allow_busy</c>), whether it writes (<c>write</c>: refused on replicas and without enough good replicas),
/// whether a subscribed RESP2 client may send it, and whether it may replicate (<c>may_replicate</c>: held by
/// <c>CLIENT PAUSE WRITE</c> like a write, though allowed on replicas).
/// </summary>
internal sealed record CommandTraits(bool WhileLoading, bool WhileBusy, bool Writes, bool WhileSubscribed = false, bool MayReplicate = false)
{
    /// <summary>Flags as <c>COMMAND INFO</c> shows them on redis-server 7.0.15.</summary>
    public static readonly IReadOnlyDictionary<string, CommandTraits> Table = new Dictionary<string, CommandTraits>(StringComparer.OrdinalIgnoreCase)
    {
        ["PING"] = new(WhileLoading: false, WhileBusy: false, Writes: false, WhileSubscribed: true),
        ["AUTH"] = new(WhileLoading: true, WhileBusy: true, Writes: false),
        ["CLIENT"] = new(WhileLoading: true, WhileBusy: false, Writes: false),
        ["INFO"] = new(WhileLoading: true, WhileBusy: false, Writes: false),
        ["ROLE"] = new(WhileLoading: true, WhileBusy: false, Writes: false),
        ["SUBSCRIBE"] = new(WhileLoading: true, WhileBusy: false, Writes: false, WhileSubscribed: true),
        ["UNSUBSCRIBE"] = new(WhileLoading: true, WhileBusy: false, Writes: false, WhileSubscribed: true),
        ["PUBLISH"] = new(WhileLoading: true, WhileBusy: false, Writes: false, MayReplicate: true),
        ["MULTI"] = new(WhileLoading: true, WhileBusy: true, Writes: false),
        ["EXEC"] = new(WhileLoading: true, WhileBusy: false, Writes: false),
        ["DISCARD"] = new(WhileLoading: true, WhileBusy: true, Writes: false),
        ["SLAVEOF"] = new(WhileLoading: false, WhileBusy: false, Writes: false),
        ["REPLICAOF"] = new(WhileLoading: false, WhileBusy: false, Writes: false),
        ["CONFIG"] = new(WhileLoading: true, WhileBusy: false, Writes: false),
        ["SCRIPT"] = new(WhileLoading: false, WhileBusy: true, Writes: false),
        ["SET"] = new(WhileLoading: false, WhileBusy: false, Writes: true),
        ["GET"] = new(WhileLoading: false, WhileBusy: false, Writes: false),
        ["WAIT"] = new(WhileLoading: false, WhileBusy: false, Writes: false),
    };
}
