using System.Globalization;
using Vigil.Migration.Links;
using Vigil.Resp;

namespace Vigil.Integration.Migration;

/// <summary>
/// Keys of every type a migration must carry: strings, lists, sets, sorted sets, hashes, streams with a
/// consumer group and a pending entry, and a share of them with a time to live. Written pipelined.
/// </summary>
internal static class MigrationDataset
{
    private const int BatchCommands = 2000;

    public static async Task FillAsync(int port, int keys, int db = 0)
    {
        await using var link = await RedisLink.ConnectAsync(new RedisEndpoint("127.0.0.1", port), null, CancellationToken.None);
        link.Timeout = TimeSpan.FromSeconds(60);
        var batch = new List<byte[][]>();
        if (db != 0) batch.Add(Cmd("SELECT", db.ToString(CultureInfo.InvariantCulture)));
        for (var i = 0; i < keys; i++)
        {
            var n = i.ToString(CultureInfo.InvariantCulture);
            var key = $"{Kind(i)}:{n}";
            switch (i % 6)
            {
                case 0: batch.Add(Cmd("SET", key, "value-" + n)); break;
                case 1: batch.Add(Cmd("RPUSH", key, "a", n, "b", n, "c")); break;
                case 2: batch.Add(Cmd("SADD", key, "x", n, "y", "z" + n)); break;
                case 3: batch.Add(Cmd("ZADD", key, "1", "one", "2.5", n, "-3", "minus")); break;
                case 4: batch.Add(Cmd("HSET", key, "f1", n, "f2", "two", "f3", "3")); break;
                default:
                    batch.Add(Cmd("XADD", key, "1-1", "field", n));
                    batch.Add(Cmd("XADD", key, "2-1", "field", "second"));
                    batch.Add(Cmd("XGROUP", "CREATE", key, "group", "0"));
                    batch.Add(Cmd("XREADGROUP", "GROUP", "group", "consumer", "COUNT", "1", "STREAMS", key, ">"));
                    break;
            }
            // One key in ten expires, far enough away not to expire during a test.
            if (i % 10 == 7) batch.Add(Cmd("PEXPIRE", key, (3_600_000 + i).ToString(CultureInfo.InvariantCulture)));
            if (batch.Count >= BatchCommands) await SendAsync(link, batch);
        }
        await SendAsync(link, batch);
    }

    private static string Kind(int i) => (i % 6) switch { 0 => "str", 1 => "list", 2 => "set", 3 => "zset", 4 => "hash", _ => "stream" };

    private static async Task SendAsync(RedisLink link, List<byte[][]> batch)
    {
        if (batch.Count == 0) return;
        var replies = await link.PipelineAsync(batch, CancellationToken.None);
        var error = replies.OfType<RespError>().FirstOrDefault();
        if (error is not null) throw new InvalidOperationException("dataset: " + error.Text);
        batch.Clear();
    }

    private static byte[][] Cmd(params string[] args) => [.. args.Select(RedisLink.Text)];

    /// <summary>The acknowledged write ids whose key is not on the node (pipelined EXISTS).</summary>
    public static async Task<List<long>> MissingAsync(int port, IReadOnlyList<long> ids)
    {
        await using var link = await RedisLink.ConnectAsync(new RedisEndpoint("127.0.0.1", port), null, CancellationToken.None);
        link.Timeout = TimeSpan.FromSeconds(60);
        var missing = new List<long>();
        foreach (var chunk in ids.Chunk(1000))
        {
            var replies = await link.PipelineAsync([.. chunk.Select(id => Cmd("EXISTS", Failover.WriteRecorder.Key(id)))], CancellationToken.None);
            for (var i = 0; i < chunk.Length; i++)
            {
                if (replies[i] is not RespInteger { Value: 1 }) missing.Add(chunk[i]);
            }
        }
        return missing;
    }
}
