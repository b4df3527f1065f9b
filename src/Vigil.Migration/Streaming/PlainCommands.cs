using System.Globalization;
using System.Text;
using Vigil.Replication.Rdb;

namespace Vigil.Migration.Streaming;

/// <summary>
/// A snapshot key as the ordinary commands that rebuild it, for a target that refuses RESTORE or cannot read the
/// source's RDB version: SET (and APPEND), RPUSH, SADD, ZADD, HSET, XADD, each carrying at most
/// <see cref="ChunkItems"/> elements or about <see cref="ChunkBytes"/>, so a big value becomes several commands and
/// never one huge one; then the absolute expiry with PEXPIREAT. The target is empty when the snapshot starts
/// (FLUSHALL), so the first command creates the key. Streams: the entries with their IDs, the last ID, the count of
/// entries added and the largest deleted ID (XSETID), each group with its last delivered ID and entries read
/// (XGROUP CREATE), its consumers (XGROUP CREATECONSUMER) and its pending entries with owner, delivery time and
/// count (XCLAIM ... TIME RETRYCOUNT FORCE JUSTID, what Redis itself propagates). What plain commands cannot carry:
/// a pending entry whose message was deleted (XCLAIM skips it), and a consumer's seen time (the target's clock).
/// The options that came with Redis 7.0 (ENTRIESADDED, MAXDELETEDID, ENTRIESREAD) and 6.2 (CREATECONSUMER) are
/// left out for an older target, which keeps no such thing.
/// </summary>
public sealed class PlainCommands(Version targetVersion)
{
    public const int ChunkItems = 1000;
    public const int ChunkBytes = 512 * 1024;

    /// <summary>A group that exists only for a moment: XGROUP CREATE ... MKSTREAM is how a stream without entries is made.</summary>
    private static readonly byte[] EmptyStreamGroup = Bytes("vigil-migrate-empty-stream");

    private readonly bool _streamCounters = targetVersion >= new Version(7, 0);
    private readonly bool _createConsumer = targetVersion >= new Version(6, 2);

    public IEnumerable<byte[][]> For(RdbKey key) => For(key.Key, RdbValueDecoder.Decode(key.Dump), key.ExpireAtMs);

    public IEnumerable<byte[][]> For(byte[] key, RdbValue value, long? expireAtMs)
    {
        var commands = value switch
        {
            RdbStringValue s => StringCommands(key, s.Value),
            RdbListValue list => Chunked("RPUSH", key, list.Items.Select(item => new[] { item })),
            RdbSetValue set => Chunked("SADD", key, set.Members.Select(member => new[] { member })),
            RdbSortedSetValue zset => Chunked("ZADD", key, zset.Members.Select(m => new[] { m.Score, m.Member })),
            RdbHashValue hash => Chunked("HSET", key, hash.Fields.Select(f => new[] { f.Field, f.Value })),
            RdbStreamValue stream => StreamCommands(key, stream),
            _ => throw new RdbFormatException($"key '{RdbReader.Printable(key)}': no plain commands for {value.GetType().Name}"),
        };
        foreach (var command in commands) yield return command;
        if (expireAtMs is { } at) yield return [Bytes("PEXPIREAT"), key, Number(at)];
    }

    private static IEnumerable<byte[][]> StringCommands(byte[] key, byte[] value)
    {
        if (value.Length <= ChunkBytes)
        {
            yield return [Bytes("SET"), key, value];
            yield break;
        }
        yield return [Bytes("SET"), key, value[..ChunkBytes]];
        for (var at = ChunkBytes; at < value.Length; at += ChunkBytes)
        {
            yield return [Bytes("APPEND"), key, value[at..Math.Min(value.Length, at + ChunkBytes)]];
        }
    }

    /// <summary>One command per chunk of items (an item is a member, or a score and member, or a field and value).</summary>
    private static IEnumerable<byte[][]> Chunked(string name, byte[] key, IEnumerable<byte[][]> items)
    {
        var command = NewCommand(name, key);
        var bytes = 0;
        var count = 0;
        foreach (var item in items)
        {
            command.AddRange(item);
            foreach (var part in item) bytes += part.Length;
            if (++count >= ChunkItems || bytes >= ChunkBytes)
            {
                yield return [.. command];
                command = NewCommand(name, key);
                bytes = 0;
                count = 0;
            }
        }
        if (count > 0) yield return [.. command];
    }

    private IEnumerable<byte[][]> StreamCommands(byte[] key, RdbStreamValue stream)
    {
        foreach (var entry in stream.Entries)
        {
            yield return [Bytes("XADD"), key, Id(entry.Id), .. entry.FieldsAndValues];
        }
        if (stream.Entries.Count == 0)
        {
            yield return [Bytes("XGROUP"), Bytes("CREATE"), key, EmptyStreamGroup, Bytes("0"), Bytes("MKSTREAM")];
            yield return [Bytes("XGROUP"), Bytes("DESTROY"), key, EmptyStreamGroup];
        }
        var setId = new List<byte[]> { Bytes("XSETID"), key, Id(stream.LastId) };
        if (_streamCounters && stream.EntriesAdded is { } added)
        {
            setId.AddRange([Bytes("ENTRIESADDED"), Number((long)added)]);
            if (stream.MaxDeletedId is { } deleted && deleted != StreamId.Zero) setId.AddRange([Bytes("MAXDELETEDID"), Id(deleted)]);
        }
        yield return [.. setId];
        foreach (var group in stream.Groups)
        {
            var create = new List<byte[]> { Bytes("XGROUP"), Bytes("CREATE"), key, group.Name, Id(group.LastDelivered) };
            if (_streamCounters && group.EntriesRead is { } read) create.AddRange([Bytes("ENTRIESREAD"), Number(read)]);
            yield return [.. create];
            foreach (var consumer in group.Consumers)
            {
                if (_createConsumer) yield return [Bytes("XGROUP"), Bytes("CREATECONSUMER"), key, group.Name, consumer.Name];
                foreach (var id in consumer.Pending)
                {
                    if (!group.Pending.TryGetValue(id, out var pending)) continue;
                    yield return [Bytes("XCLAIM"), key, group.Name, consumer.Name, Bytes("0"), Id(id),
                        Bytes("TIME"), Number(pending.DeliveredAtMs), Bytes("RETRYCOUNT"), Number((long)pending.DeliveryCount),
                        Bytes("FORCE"), Bytes("JUSTID")];
                }
            }
        }
    }

    private static List<byte[]> NewCommand(string name, byte[] key) => [Bytes(name), key];

    private static byte[] Id(StreamId id) => Bytes(id.ToString());

    private static byte[] Number(long n) => Bytes(n.ToString(CultureInfo.InvariantCulture));

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
