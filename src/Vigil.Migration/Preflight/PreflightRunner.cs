using System.Diagnostics;
using System.Net;
using Vigil.Migration.Links;
using Vigil.Resp;

namespace Vigil.Migration.Preflight;

/// <summary>
/// Checks everything migrate relies on with read-only commands, and refuses (one line) on the first problem.
/// The order is cheapest and most likely first: reachability, authentication, roles, emptiness, sizes,
/// then the sentinel group.
/// </summary>
public static class PreflightRunner
{
    /// <summary>How long the source's replication offset is watched to estimate its write rate.</summary>
    private static readonly TimeSpan WriteRateSample = TimeSpan.FromMilliseconds(500);

    public static async Task<MigrationPlan> RunAsync(MigrateOptions options, CancellationToken cancel)
    {
        var checks = new List<string>();
        var sourceEndpoint = options.Source!;
        await using var sourceLink = await ConnectAsync("source", sourceEndpoint, options.Credentials, cancel).ConfigureAwait(false);
        var source = await FactsAsync("source", sourceLink, cancel).ConfigureAwait(false);
        if (!source.IsMaster)
        {
            throw new MigrationRefusal($"source {sourceEndpoint} is a {source.Role}" +
                (source.Upstream is null ? "" : $" of {source.Upstream}") + ": give the master as --source");
        }
        var withSentinels = options.Sentinels.Count > 0;
        if (!withSentinels)
        {
            if (source.SentinelSubscribers > 0)
            {
                throw new MigrationRefusal($"source {sourceEndpoint} is watched by {source.SentinelSubscribers} sentinel(s) (subscribed to __sentinel__:hello): " +
                    "give them with --sentinel HOST:PORT so the cutover goes through the group, or they would undo it");
            }
            if (!source.HasClientPauseWrite)
            {
                throw new MigrationRefusal($"source {sourceEndpoint} runs Redis {source.Version}: the cutover needs CLIENT PAUSE WRITE (Redis 6.2 or newer)");
            }
        }
        checks.Add($"source {sourceEndpoint} is a master, Redis {source.Version}");

        var targets = new List<NodeFacts>();
        var runIds = new HashSet<string>(StringComparer.Ordinal) { source.RunId };
        foreach (var endpoint in options.Targets)
        {
            await using var link = await ConnectAsync("target", endpoint, options.Credentials, cancel).ConfigureAwait(false);
            var target = await FactsAsync("target", link, cancel).ConfigureAwait(false);
            targets.Add(target);
        }
        var (mode, modeReason) = ChooseMode(options, source, targets);
        foreach (var target in targets) CheckTarget(options, mode, source, target, runIds);
        checks.Add($"{targets.Count} target(s) reachable, " + (mode == MigrationMode.ReplicaOf ? "masters with no replica, " : "") +
            $"Redis {string.Join("/", targets.Select(t => t.Version).Distinct())}" +
            (targets.Any(t => t.Keys > 0) ? ", keys to be replaced (--flush-target)" : ", empty"));
        checks.Add((mode == MigrationMode.ReplicaOf ? "targets accept REPLICAOF" : "the source accepts PSYNC") +
            $"; maxmemory fits the source's used_memory {Units.Bytes(source.UsedMemoryBytes)}");

        var writeBytesPerSecond = await WriteRateAsync(sourceLink, source.MasterReplOffset, cancel).ConfigureAwait(false);
        var syncSeconds = PreflightRules.EstimatedSyncSeconds(source.UsedMemoryBytes);
        var upstreams = targets.Count > 1 ? new[] { source, targets[0] } : new[] { source };
        foreach (var upstream in upstreams)
        {
            Refuse(PreflightRules.OutputBuffer(Describe(upstream, source), upstream.ReplicaOutputBufferLimit, writeBytesPerSecond, syncSeconds));
        }
        foreach (var node in targets.Prepend(source))
        {
            Refuse(PreflightRules.ReplTimeout(Describe(node, source), node.ReplTimeoutSeconds, syncSeconds));
        }
        checks.Add($"replica output buffers and repl-timeout fit ~{Units.Seconds(syncSeconds)} of sync at {Units.Bytes((long)writeBytesPerSecond)}/s of writes" +
            (source.ReplicaOutputBufferLimit is null || source.ReplTimeoutSeconds is null ? " (some settings unreadable: CONFIG GET refused)" : ""));

        SentinelGroupFacts? group = null;
        if (withSentinels)
        {
            group = await SentinelPreflight.RunAsync(options, source, targets, cancel).ConfigureAwait(false);
            checks.Add($"sentinels are Vigil, agree that '{group.MasterName}' is {sourceEndpoint}, CKQUORUM OK");
            // The target is no replica of the group: only the sentinels told move to it. One left out would keep
            // naming the fenced source (or, adopting its peers' newer configuration, remember the old nodes).
            // The replication link announces the target, so the sentinels list it as a replica of the source: one
            // that accepts REPLICAOF could be sent under the source by them while migrate writes into it.
            if (mode == MigrationMode.Stream && targets[0].ReplicaOfCommand is not null)
            {
                throw new MigrationRefusal($"target {targets[0].Endpoint} accepts REPLICAOF: with a sentinel group use --mode replicaof " +
                    "(the stream mode through sentinels is for targets that refuse replication)");
            }
            if (mode == MigrationMode.Stream && group.KnownSentinels > options.Sentinels.Distinct().Count())
            {
                throw new MigrationRefusal($"the group '{group.MasterName}' has {group.KnownSentinels} sentinels and {options.Sentinels.Distinct().Count()} were given: " +
                    "the stream mode moves every sentinel of the group to the target itself; give each with --sentinel");
            }
        }
        return new MigrationPlan
        {
            Options = options,
            Source = source,
            Targets = targets,
            Group = group,
            Mode = mode,
            ModeReason = modeReason,
            WriteBytesPerSecond = writeBytesPerSecond,
            EstimatedSyncSeconds = syncSeconds,
            Checks = checks,
        };
    }

    /// <summary>
    /// replicaof when asked, or when not asked and every target accepts REPLICAOF; otherwise stream, which
    /// needs one target, RESTORE on the target, PSYNC on the source, and a way
    /// to fence the source after the cutover.
    /// </summary>
    private static (MigrationMode Mode, string Reason) ChooseMode(MigrateOptions options, NodeFacts source, IReadOnlyList<NodeFacts> targets)
    {
        var refusing = targets.FirstOrDefault(t => t.ReplicaOfCommand is null);
        if (options.Mode == MigrationMode.ReplicaOf || (options.Mode is null && refusing is null))
        {
            if (refusing is not null)
            {
                throw new MigrationRefusal($"target {refusing.Endpoint} refuses REPLICAOF and SLAVEOF (renamed or disabled): it cannot replicate the source; " +
                    "such targets need the stream mode (--mode stream, one target at a time)");
            }
            if (options.Sentinels.Count == 0 && source.ReplicaOfCommand is null)
            {
                throw new MigrationRefusal($"source {source.Endpoint} refuses REPLICAOF and SLAVEOF: the cutover could not make it a replica of the new master");
            }
            return (MigrationMode.ReplicaOf, options.Mode is null ? "every target accepts REPLICAOF" : "--mode replicaof");
        }
        var why = options.Mode is null ? $"target {refusing!.Endpoint} refuses REPLICAOF, so migrate replicates the source itself and writes into it" : "--mode stream";
        if (targets.Count != 1)
        {
            throw new MigrationRefusal($"the stream mode ({why}) moves data into one target; give one --target" +
                (refusing is null ? "" : $" (target {refusing.Endpoint} refuses REPLICAOF and SLAVEOF: such targets need the stream mode, --mode stream)"));
        }
        if (!source.AcceptsPsync)
        {
            throw new MigrationRefusal($"source {source.Endpoint} refuses PSYNC: the stream mode replicates it");
        }
        if (source.MinReplicasToWrite is null && options.OldNodes != OldNodes.Shutdown)
        {
            throw new MigrationRefusal($"source {source.Endpoint} refuses CONFIG: the stream mode fences it after the cutover with min-replicas-to-write (or give --old-nodes shutdown)");
        }
        return (MigrationMode.Stream, why);
    }

    private static void CheckTarget(MigrateOptions options, MigrationMode mode, NodeFacts source, NodeFacts target, HashSet<string> runIds)
    {
        var name = $"target {target.Endpoint}";
        if (!runIds.Add(target.RunId))
        {
            throw new MigrationRefusal($"{name} is the same server as the source or another target (run_id {target.RunId})");
        }
        if (!target.IsMaster)
        {
            throw new MigrationRefusal($"{name} is already a replica of {target.Upstream}: give a standalone server" + (mode == MigrationMode.Stream ? " (or its master)" : ""));
        }
        // A managed target may well have replicas of its own: the stream mode writes to it as a client would.
        if (mode == MigrationMode.ReplicaOf && target.Replicas.Count > 0)
        {
            throw new MigrationRefusal($"{name} has replicas ({string.Join(", ", target.Replicas)}): give a standalone server");
        }
        if (target.ParsedVersion < new Version(source.ParsedVersion.Major, source.ParsedVersion.Minor))
        {
            throw new MigrationRefusal($"{name} runs Redis {target.Version}, older than the source's {source.Version}: it may not load the source's RDB");
        }
        if (target.Keys > 0 && !options.FlushTarget)
        {
            throw new MigrationRefusal($"{name} is not empty: it holds {Units.N(target.Keys)} keys " +
                $"({string.Join(", ", target.KeysPerDb.Select(d => $"db{d.Key}={d.Value}"))}) that replication would replace; empty it or pass --flush-target");
        }
        if (source.KeysPerDb.Count > 0 && target.Databases is { } databases && source.KeysPerDb.Keys.Max() >= databases)
        {
            throw new MigrationRefusal($"{name} has {databases} databases but the source uses db{source.KeysPerDb.Keys.Max()}");
        }
        Refuse(PreflightRules.MaxMemory(target.Endpoint.ToString(), target.MaxMemoryBytes, source.UsedMemoryBytes));
    }

    private static string Describe(NodeFacts node, NodeFacts source) => (node == source ? "source " : "target ") + node.Endpoint;

    private static void Refuse(string? problem)
    {
        if (problem is not null) throw new MigrationRefusal(problem);
    }

    /// <summary>Bytes per second added to the replication stream: every write the targets will have to receive.</summary>
    private static async Task<double> WriteRateAsync(RedisLink link, long firstOffset, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        await Task.Delay(WriteRateSample, cancel).ConfigureAwait(false);
        var info = InfoFields.Parse(Replies.Text(await link.CallAsync(cancel, "INFO", "replication").ConfigureAwait(false)));
        var offset = info.Long("master_repl_offset") ?? firstOffset;
        return Math.Max(0, offset - firstOffset) / clock.Elapsed.TotalSeconds;
    }

    internal static async Task<RedisLink> ConnectAsync(string role, RedisEndpoint endpoint, RedisCredentials? credentials, CancellationToken cancel)
    {
        try
        {
            return await RedisLink.ConnectAsync(endpoint, credentials, cancel).ConfigureAwait(false);
        }
        catch (RedisLinkException ex)
        {
            throw new MigrationRefusal($"{role} {endpoint}: {ex.Message}", ex);
        }
    }

    private static async Task<NodeFacts> FactsAsync(string role, RedisLink link, CancellationToken cancel)
    {
        try
        {
            return await NodeFactsReader.ReadAsync(link, cancel).ConfigureAwait(false);
        }
        catch (RedisLinkException ex)
        {
            var message = ex.Message.Contains("NOAUTH", StringComparison.Ordinal)
                ? "authentication required: give --pass or --pass-file (and --user for an ACL user)"
                : ex.Message;
            throw new MigrationRefusal($"{role} {link.Endpoint}: {message}", ex);
        }
    }

    /// <summary>Whether <paramref name="ip"/>:<paramref name="port"/> (as a sentinel reports it) names <paramref name="endpoint"/>.</summary>
    internal static async Task<bool> SameAddressAsync(RedisEndpoint endpoint, string ip, int port, CancellationToken cancel)
    {
        if (endpoint.Port != port) return false;
        if (string.Equals(endpoint.Host, ip, StringComparison.OrdinalIgnoreCase)) return true;
        if (!IPAddress.TryParse(ip, out var address)) return false;
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(endpoint.Host, cancel).ConfigureAwait(false);
            return addresses.Any(a => a.Equals(address) || (IPAddress.IsLoopback(a) && IPAddress.IsLoopback(address)));
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    internal static bool IsError(RespValue value, out string text)
    {
        text = value is RespError error ? error.Text : "";
        return value is RespError;
    }
}
