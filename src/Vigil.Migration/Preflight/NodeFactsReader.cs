using System.Globalization;
using Vigil.Migration.Links;
using Vigil.Resp;

namespace Vigil.Migration.Preflight;

/// <summary>Gathers <see cref="NodeFacts"/> with read-only commands (INFO, CONFIG GET, COMMAND INFO, PUBSUB NUMSUB).</summary>
public static class NodeFactsReader
{
    public static async Task<NodeFacts> ReadAsync(RedisLink link, CancellationToken cancel)
    {
        var reply = await link.CallAsync(cancel, "INFO", "all").ConfigureAwait(false);
        if (reply is RespError error) throw new RedisLinkException("INFO refused: " + error.Text);
        var info = InfoFields.Parse(Replies.Text(reply));
        var config = await ConfigAsync(link, cancel, "maxmemory", "repl-timeout", "databases", "replica-priority",
            "client-output-buffer-limit", "min-replicas-to-write").ConfigureAwait(false);
        var replicaOf = await CommandNameAsync(link, cancel, "REPLICAOF").ConfigureAwait(false)
            ?? await CommandNameAsync(link, cancel, "SLAVEOF").ConfigureAwait(false);
        var restore = await CommandNameAsync(link, cancel, "RESTORE").ConfigureAwait(false);
        var psync = await CommandNameAsync(link, cancel, "PSYNC").ConfigureAwait(false);
        var numsub = Replies.Items(await link.CallAsync(cancel, "PUBSUB", "NUMSUB", "__sentinel__:hello").ConfigureAwait(false));
        return new NodeFacts
        {
            Endpoint = link.Endpoint,
            Version = info["redis_version"] ?? "unknown",
            Role = info["role"] ?? "unknown",
            RunId = info["run_id"] ?? "",
            Upstream = info["master_host"] is { } host && info.Long("master_port") is { } port ? new RedisEndpoint(host, (int)port) : null,
            Replicas = ReplicasOf(info),
            UsedMemoryBytes = info.Long("used_memory") ?? 0,
            MaxMemoryBytes = info.Long("maxmemory") ?? ParseLong(config.GetValueOrDefault("maxmemory")) ?? 0,
            KeysPerDb = info.KeysPerDb(),
            MasterReplOffset = info.Long("master_repl_offset") ?? 0,
            ReplBacklogBytes = info.Long("repl_backlog_size"),
            ReplTimeoutSeconds = (int?)ParseLong(config.GetValueOrDefault("repl-timeout")),
            Databases = (int?)ParseLong(config.GetValueOrDefault("databases")),
            ReplicaPriority = (int?)ParseLong(config.GetValueOrDefault("replica-priority")),
            ReplicaOutputBufferLimit = ParseReplicaLimit(config.GetValueOrDefault("client-output-buffer-limit")),
            ReplicaOfCommand = replicaOf,
            AcceptsRestore = restore is not null,
            AcceptsPsync = psync is not null,
            MinReplicasToWrite = (int?)ParseLong(config.GetValueOrDefault("min-replicas-to-write")),
            SentinelSubscribers = numsub.Count == 2 ? Replies.Integer(numsub[1]) ?? 0 : 0,
        };
    }

    /// <summary>The <c>slaveN:ip=..,port=..</c> lines of INFO replication.</summary>
    public static IReadOnlyList<RedisEndpoint> ReplicasOf(InfoFields info)
    {
        var replicas = new List<RedisEndpoint>();
        for (var i = 0; info[$"slave{i}"] is { } line; i++)
        {
            var fields = InfoFields.SubFields(line);
            if (fields.GetValueOrDefault("ip") is { } ip
                && int.TryParse(fields.GetValueOrDefault("port"), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                replicas.Add(new RedisEndpoint(ip, port));
            }
        }
        return replicas;
    }

    /// <summary>CONFIG GET of several parameters; empty when CONFIG is refused (renamed, ACL, managed service).</summary>
    private static async Task<Dictionary<string, string>> ConfigAsync(RedisLink link, CancellationToken cancel, params string[] names)
    {
        var config = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
        {
            var reply = await link.CallAsync(cancel, "CONFIG", "GET", name).ConfigureAwait(false);
            if (reply is RespError) return config;
            foreach (var (key, value) in Replies.Fields(reply)) config[key] = value;
        }
        return config;
    }

    /// <summary>The command's name if the server knows it (a renamed or removed command is absent from COMMAND INFO).</summary>
    private static async Task<string?> CommandNameAsync(RedisLink link, CancellationToken cancel, string name)
    {
        var reply = await link.CallAsync(cancel, "COMMAND", "INFO", name).ConfigureAwait(false);
        var items = Replies.Items(reply);
        return items.Count == 1 && items[0] is RespArray ? name : null;
    }

    /// <summary><c>normal 0 0 0 slave 268435456 67108864 60 pubsub ...</c> → the replica class.</summary>
    public static OutputBufferLimit? ParseReplicaLimit(string? value)
    {
        if (value is null) return null;
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i + 3 < parts.Length; i += 4)
        {
            if (parts[i] is not ("slave" or "replica")) continue;
            if (ParseLong(parts[i + 1]) is { } hard && ParseLong(parts[i + 2]) is { } soft && ParseLong(parts[i + 3]) is { } seconds)
            {
                return new OutputBufferLimit(hard, soft, (int)seconds);
            }
        }
        return null;
    }

    private static long? ParseLong(string? text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;
}
