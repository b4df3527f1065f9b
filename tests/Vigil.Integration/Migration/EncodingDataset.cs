using System.Globalization;
using Vigil.Integration.Infrastructure;
using Vigil.Replication.Rdb;
using Vigil.Resp;

namespace Vigil.Integration.Migration;

/// <summary>
/// Every type in each encoding Redis 7.0 writes to a snapshot: with the small thresholds of
/// <see cref="ServerArgs"/>, a small collection stays compact (listpack, intset) and a larger one becomes a
/// hash table or skiplist; lists are quicklists of listpacks with compressed (LZF) inner nodes; strings are
/// raw, integers and LZF-compressed; streams have deleted entries, consumer groups, consumers and pending
/// entries. Also expiry, a second database, a function library, binary and integer key names.
/// </summary>
internal static class EncodingDataset
{
    public static readonly string[] ServerArgs =
    [
        "--hash-max-listpack-entries", "4", "--zset-max-listpack-entries", "4", "--set-max-intset-entries", "4",
        "--list-max-listpack-size", "4", "--list-compress-depth", "1", "--rdbcompression", "yes",
    ];

    /// <summary>The value types the snapshot of this dataset must contain (RDB type bytes).</summary>
    public static readonly byte[] ExpectedRdbTypes =
    [
        RdbFormat.String, RdbFormat.ListQuicklist2, RdbFormat.SetIntset, RdbFormat.Set, RdbFormat.ZsetListpack,
        RdbFormat.Zset2, RdbFormat.HashListpack, RdbFormat.Hash, RdbFormat.StreamListpacks2,
    ];

    public const string Library = "vigiltestlib";

    /// <summary>A value found once in the snapshot, uncompressed: a place to corrupt it.</summary>
    public const string Needle = "needle-value-0123456789";

    public static async Task FillAsync(RunningNode node)
    {
        var repeated = new string('x', 2000);
        string[][] commands =
        [
            ["SET", "str:raw", "hello"], ["SET", "str:int", "123456"], ["SET", "str:lzf", repeated], ["SET", "str:needle", Needle],
            ["SET", "987654", "an integer key name"], ["SET", "bin:\u0001\u00ff", "binary \u0000 name"],
            ["RPUSH", "list:small", "a", "b", "c"],
            ["RPUSH", "list:large", .. Enumerable.Range(0, 40).Select(i => "item-" + repeated[..50] + i.ToString(CultureInfo.InvariantCulture))],
            ["SADD", "set:intset", "1", "2", "3"], ["SADD", "set:strings", "a", "b", "c"], ["SADD", "set:large", .. Enumerable.Range(0, 20).Select(Text)],
            ["ZADD", "zset:small", "1", "a", "2.5", "b"], ["ZADD", "zset:large", .. Enumerable.Range(0, 10).SelectMany(i => new[] { (i * 1.5).ToString(CultureInfo.InvariantCulture), "m" + i })],
            ["ZADD", "zset:inf", "+inf", "top", "-inf", "bottom", "0", "zero", "1", "a", "2", "b"],
            ["HSET", "hash:small", "f1", "v1", "f2", "v2"], ["HSET", "hash:large", .. Enumerable.Range(0, 10).SelectMany(i => new[] { "f" + i, "v" + i })],
            ["XADD", "stream:1", "1-1", "a", "1"], ["XADD", "stream:1", "2-1", "b", "2"], ["XADD", "stream:1", "3-1", "c", "3"], ["XDEL", "stream:1", "2-1"],
            ["XGROUP", "CREATE", "stream:1", "g1", "0"], ["XGROUP", "CREATE", "stream:1", "g2", "$"],
            ["XREADGROUP", "GROUP", "g1", "alice", "COUNT", "1", "STREAMS", "stream:1", ">"],
            ["XREADGROUP", "GROUP", "g1", "bob", "COUNT", "1", "STREAMS", "stream:1", ">"],
            ["XGROUP", "CREATE", "stream:empty", "g", "$", "MKSTREAM"],
            ["SET", "ttl:1", "v", "PX", "3600000"], ["HSET", "ttl:2", "f", "v"], ["PEXPIRE", "ttl:2", "7200000"],
            ["SELECT", "5"], ["SET", "db5:key", "in db 5"], ["RPUSH", "db5:list", "x"], ["SELECT", "0"],
            ["FUNCTION", "LOAD", $"#!lua name={Library}\nredis.register_function('vigil_one', function() return 1 end)"],
        ];
        await using var client = await node.ConnectAsync();
        foreach (var command in commands)
        {
            var reply = await client.CallAsync(command);
            if (reply is RespError error) throw new InvalidOperationException($"{string.Join(' ', command)}: {error.Text}");
        }
    }

    private static string Text(int i) => i.ToString(CultureInfo.InvariantCulture);

    /// <summary>Keys per database, from INFO keyspace.</summary>
    public static async Task<long> KeysAsync(RunningNode node)
    {
        var info = await Topology.InfoAsync(node, "keyspace");
        return info.Values.Sum(v => long.Parse(v.Split(',')[0].Split('=')[1], CultureInfo.InvariantCulture));
    }
}
