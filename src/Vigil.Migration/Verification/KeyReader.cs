using Vigil.Migration.Links;
using Vigil.Resp;

namespace Vigil.Migration.Verification;

/// <summary>What one key is on one server: its type, its remaining time to live and its value in a comparable form.</summary>
public sealed record KeyState(string Type, long TtlMs, RespValue? Value);

/// <summary>
/// Reads a batch of keys from one server in two pipelined round trips: TYPE and PTTL for all, then the value
/// with the command of each type. Values are normalised so equal data compares equal whatever the internal
/// order: members of sets and fields of hashes are sorted.
/// </summary>
public static class KeyReader
{
    public static async Task<KeyState[]> ReadAsync(RedisLink link, IReadOnlyList<byte[]> keys, CancellationToken cancel)
    {
        var first = new List<byte[][]>(keys.Count * 2);
        foreach (var key in keys)
        {
            first.Add(RedisLink.Command("TYPE", key));
            first.Add(RedisLink.Command("PTTL", key));
        }
        var heads = await link.PipelineAsync(first, cancel).ConfigureAwait(false);
        var types = new string[keys.Count];
        var second = new List<byte[][]>();
        var valueCommands = new int[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            types[i] = Replies.Text(heads[2 * i]) ?? "none";
            var commands = ValueCommands(types[i], keys[i]);
            valueCommands[i] = commands.Length;
            second.AddRange(commands);
        }
        var values = second.Count == 0 ? [] : await link.PipelineAsync(second, cancel).ConfigureAwait(false);
        var states = new KeyState[keys.Count];
        var next = 0;
        for (var i = 0; i < keys.Count; i++)
        {
            var parts = values.AsSpan(next, valueCommands[i]).ToArray();
            next += valueCommands[i];
            states[i] = new KeyState(types[i], Replies.Integer(heads[2 * i + 1]) ?? -2, Normalise(types[i], parts));
        }
        return states;
    }

    private static byte[][][] ValueCommands(string type, byte[] key) => type switch
    {
        "none" => [],
        "string" => [RedisLink.Command("GET", key)],
        "list" => [RedisLink.Command("LRANGE", key, RedisLink.Text("0"), RedisLink.Text("-1"))],
        "set" => [RedisLink.Command("SMEMBERS", key)],
        "zset" => [RedisLink.Command("ZRANGE", key, RedisLink.Text("0"), RedisLink.Text("-1"), RedisLink.Text("WITHSCORES"))],
        "hash" => [RedisLink.Command("HGETALL", key)],
        // Entries, then each consumer group's name, delivery position and pending count, then the last id.
        "stream" =>
        [
            RedisLink.Command("XRANGE", key, RedisLink.Text("-"), RedisLink.Text("+")),
            RedisLink.Command("XINFO", RedisLink.Text("GROUPS"), key),
            RedisLink.Command("XINFO", RedisLink.Text("STREAM"), key),
        ],
        // Module types and anything newer: the serialized value.
        _ => [RedisLink.Command("DUMP", key)],
    };

    private static RespValue? Normalise(string type, RespValue[] parts)
    {
        switch (type)
        {
            case "none":
                return null;
            case "set":
                return new RespArray([.. Replies.Items(parts[0]).OrderBy(Bytes, ByteOrder.Instance)]);
            case "hash":
                var items = Replies.Items(parts[0]);
                var pairs = new List<(RespValue Field, RespValue Value)>();
                for (var i = 0; i + 1 < items.Count; i += 2) pairs.Add((items[i], items[i + 1]));
                return new RespArray([.. pairs.OrderBy(p => Bytes(p.Field), ByteOrder.Instance).SelectMany(p => new[] { p.Field, p.Value })]);
            case "stream":
                var groups = Replies.Items(parts[1]).Select(g =>
                {
                    var fields = Replies.Fields(g);
                    return (RespValue)RespValue.Array(
                        RespValue.Bulk(fields.GetValueOrDefault("name", "")),
                        RespValue.Bulk(fields.GetValueOrDefault("last-delivered-id", "")),
                        RespValue.Bulk(fields.GetValueOrDefault("pending", "")),
                        RespValue.Bulk(fields.GetValueOrDefault("consumers", "")));
                });
                var lastId = Replies.Fields(parts[2]).GetValueOrDefault("last-generated-id", "");
                return RespValue.Array(parts[0], new RespArray([.. groups]), RespValue.Bulk(lastId));
            default:
                return parts.Length == 1 ? parts[0] : new RespArray(parts);
        }
    }

    private static byte[] Bytes(RespValue value) => value is RespBulkString bulk ? bulk.Bytes : [];

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();
        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
