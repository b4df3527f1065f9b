using Vigil.Migration.Links;
using Vigil.Migration.Streaming;

namespace Vigil.Migration.Preflight;

/// <summary>What preflight found and what migrate will do with it.</summary>
public sealed record MigrationPlan
{
    public required MigrateOptions Options { get; init; }
    public required NodeFacts Source { get; init; }
    public required IReadOnlyList<NodeFacts> Targets { get; init; }
    public SentinelGroupFacts? Group { get; init; }
    public MigrationMode Mode { get; init; } = MigrationMode.ReplicaOf;

    /// <summary>Why this mode: asked for, or what preflight found.</summary>
    public string ModeReason { get; init; } = "";

    /// <summary>The stream mode's way of writing the snapshot into the first target.</summary>
    public KeyWriting KeyWriting => KeyWriting.For(First);
    public double WriteBytesPerSecond { get; init; }
    public double EstimatedSyncSeconds { get; init; }
    public IReadOnlyList<string> Checks { get; init; } = [];

    public NodeFacts First => Targets[0];

    /// <summary>Who each target replicates from: the source for the first, the first for the rest.</summary>
    public RedisEndpoint UpstreamOf(int targetIndex) => targetIndex == 0 ? Source.Endpoint : First.Endpoint;

    public IEnumerable<string> Describe()
    {
        var s = Source;
        yield return $"source    {s.Endpoint}  Redis {s.Version}  used_memory {Units.Bytes(s.UsedMemoryBytes)}  {KeysText(s)}" +
            $"  writes {Units.Bytes((long)WriteBytesPerSecond)}/s" + (s.Replicas.Count == 0 ? "" : $"  replicas {string.Join(", ", s.Replicas)}");
        for (var i = 0; i < Targets.Count; i++)
        {
            var t = Targets[i];
            yield return $"target {i + 1}  {t.Endpoint}  Redis {t.Version}  maxmemory {(t.MaxMemoryBytes == 0 ? "unlimited" : Units.Bytes(t.MaxMemoryBytes))}  {KeysText(t)}";
        }
        if (Group is { } g)
        {
            yield return $"sentinels group '{g.MasterName}' watches the source: {g.KnownSentinels} sentinels, quorum {g.Quorum}; asked: {string.Join(", ", g.Sentinels)}";
        }
        foreach (var check in Checks) yield return "ok        " + check;
        yield return $"mode      {(Mode == MigrationMode.Stream ? "stream" : "replicaof")}: {ModeReason}";
        yield return "";
        yield return "Steps:";
        if (Mode == MigrationMode.Stream)
        {
            foreach (var line in DescribeStream()) yield return line;
            yield break;
        }
        var step = 1;
        yield return $"  {step++}. {First.Endpoint} REPLICAOF {Source.Endpoint}" +
            string.Concat(Targets.Skip(1).Select(t => $"; {t.Endpoint} REPLICAOF {First.Endpoint}")) +
            $" (full sync, ~{Units.Seconds(EstimatedSyncSeconds)} estimated)";
        yield return $"  {step++}. wait until every target is in sync (offset lag under 1 s)";
        if (Group is { } group)
        {
            yield return $"  {step++}. wait until the group lists {First.Endpoint} as a replica of '{group.MasterName}', then SENTINEL FAILOVER {group.MasterName} via {group.Sentinels[0]}";
            yield return "     (the sentinel pauses writes on the source until the target has its offset, then promotes it); wait for +switch-master";
        }
        else
        {
            yield return $"  {step++}. CLIENT PAUSE WRITE on the source, wait until {First.Endpoint} has its offset, REPLICAOF NO ONE on {First.Endpoint},";
            yield return $"     REPLICAOF {First.Endpoint} on the source, CLIENT UNPAUSE";
        }
        var oldNodes = string.Join(", ", new[] { Source.Endpoint }.Concat(Source.Replicas));
        yield return Options.OldNodes == OldNodes.Replica
            ? $"  {step}. old nodes ({oldNodes}) stay replicas of {First.Endpoint}"
            : $"  {step}. old nodes ({oldNodes}) are shut down" + (Group is null ? "" : " and forgotten by every sentinel (SENTINEL RESET)");
    }

    private IEnumerable<string> DescribeStream()
    {
        yield return $"  1. migrate connects to {Source.Endpoint} as a replica (PSYNC) and receives its snapshot (~{Units.Seconds(EstimatedSyncSeconds)} estimated);";
        var connections = Options.SnapshotConnections;
        yield return $"     FLUSHALL on {First.Endpoint}, then {KeyWriting.Describe(Source)}, function libraries with FUNCTION LOAD"
            + (connections > 1 ? $"; the keys through {connections} connections, all answered before step 2" : "");
        yield return $"  2. the source's command stream is replayed into {First.Endpoint} in order; a dropped link resumes with PSYNC at the next offset";
        yield return "  3. wait until the applied offset is less than 1 s behind the source";
        yield return $"  4. CLIENT PAUSE WRITE on the source, wait until {First.Endpoint} has applied its offset, fence the source";
        if (Group is { } group)
        {
            yield return $"     (CONFIG SET min-replicas-to-write: writes are refused with NOREPLICAS), SENTINEL MOVE-MASTER {group.MasterName} {First.Endpoint.Host} {First.Endpoint.PortText}";
            yield return "     on every sentinel (each publishes +switch-master and forgets the old nodes), CLIENT UNPAUSE";
        }
        else
        {
            yield return "     (CONFIG SET min-replicas-to-write: writes are refused with NOREPLICAS), CLIENT UNPAUSE; repoint clients to the target";
        }
        var oldNodes = string.Join(", ", new[] { Source.Endpoint }.Concat(Source.Replicas).Concat(Group?.Replicas ?? []).Distinct());
        yield return Options.OldNodes == OldNodes.Replica
            ? $"  5. the source stays running, fenced (it cannot replicate a target that refuses replication)"
            : $"  5. old nodes ({oldNodes}) are shut down";
    }

    private static string KeysText(NodeFacts node) => node.KeysPerDb.Count == 0
        ? "empty"
        : $"{Units.N(node.Keys)} keys ({string.Join(", ", node.KeysPerDb.Select(d => $"db{d.Key}={Units.N(d.Value)}"))})";
}
