using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Vigil.Replication.Rdb;

/// <summary>
/// Decodes one value, as <see cref="RdbKey.Dump"/> holds it (type byte, the value's RDB bytes, version and CRC-64),
/// into its elements: every type and encoding an RDB up to version 11 holds (plain, intset, ziplist, listpack,
/// quicklist, zipmap; streams with groups, consumers and pending entries). The value is decoded whole: memory is
/// about twice the value's size, one value at a time.
/// </summary>
public static class RdbValueDecoder
{
    private const int TrailerBytes = 10;
    private const int QuicklistPlainNode = 1;

    private const int StreamItemDeleted = 1;
    private const int StreamItemSameFields = 2;

    /// <summary>-1 as the RDB stores a group's unknown entries-read count (an unsigned length of all ones).</summary>
    private const ulong UnknownEntriesRead = ulong.MaxValue;

    public static RdbValue Decode(ReadOnlyMemory<byte> dump)
    {
        if (dump.Length <= TrailerBytes) throw new RdbFormatException("a value shorter than its type and trailer");
        var type = dump.Span[0];
        var body = dump[1..^TrailerBytes];
        var stream = MemoryMarshal.TryGetArray(body, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(body.ToArray(), writable: false);
        var rdb = new RdbPrimitives(new ByteInput(stream, Math.Clamp(body.Length, 1, 64 * 1024)));
        try
        {
            return Decode(type, rdb);
        }
        catch (EndOfStreamException)
        {
            throw new RdbFormatException($"a {RdbFormat.TypeName(type)} value that ends early (byte {rdb.BytesRead})");
        }
    }

    private static RdbValue Decode(byte type, RdbPrimitives rdb)
    {
        switch (type)
        {
            case RdbFormat.String:
                return new RdbStringValue(rdb.ReadString());
            case RdbFormat.List:
                return new RdbListValue(ReadStrings(rdb));
            case RdbFormat.ListZiplist:
                return new RdbListValue(Ziplist.Elements(rdb.ReadString()));
            case RdbFormat.ListQuicklist:
                var items = new List<byte[]>();
                for (var n = rdb.ReadLength(); n > 0; n--) items.AddRange(Ziplist.Elements(rdb.ReadString()));
                return new RdbListValue(items);
            case RdbFormat.ListQuicklist2:
                var elements = new List<byte[]>();
                for (var n = rdb.ReadLength(); n > 0; n--)
                {
                    var container = rdb.ReadLength();
                    var node = rdb.ReadString();
                    if (container == QuicklistPlainNode) elements.Add(node);
                    else elements.AddRange(Listpack.Elements(node));
                }
                return new RdbListValue(elements);
            case RdbFormat.Set:
                return new RdbSetValue(ReadStrings(rdb));
            case RdbFormat.SetIntset:
                return new RdbSetValue(Intset.Members(rdb.ReadString()));
            case RdbFormat.SetListpack:
                return new RdbSetValue(Listpack.Elements(rdb.ReadString()));
            case RdbFormat.Zset:
            case RdbFormat.Zset2:
                var members = new List<(byte[], byte[])>();
                for (var n = rdb.ReadLength(); n > 0; n--)
                {
                    var member = rdb.ReadString();
                    members.Add((member, type == RdbFormat.Zset ? rdb.ReadTextDouble() : BinaryScore(rdb)));
                }
                return new RdbSortedSetValue(members);
            case RdbFormat.ZsetZiplist:
                return new RdbSortedSetValue(Pairs(Ziplist.Elements(rdb.ReadString())));
            case RdbFormat.ZsetListpack:
                return new RdbSortedSetValue(Pairs(Listpack.Elements(rdb.ReadString())));
            case RdbFormat.Hash:
                var fields = new List<(byte[], byte[])>();
                for (var n = rdb.ReadLength(); n > 0; n--) fields.Add((rdb.ReadString(), rdb.ReadString()));
                return new RdbHashValue(fields);
            case RdbFormat.HashZipmap:
                return new RdbHashValue(Pairs(Zipmap.FieldsAndValues(rdb.ReadString())));
            case RdbFormat.HashZiplist:
                return new RdbHashValue(Pairs(Ziplist.Elements(rdb.ReadString())));
            case RdbFormat.HashListpack:
                return new RdbHashValue(Pairs(Listpack.Elements(rdb.ReadString())));
            case RdbFormat.StreamListpacks or RdbFormat.StreamListpacks2 or RdbFormat.StreamListpacks3:
                return ReadStream(type, rdb);
            default:
                throw new RdbFormatException($"a value of {RdbFormat.TypeName(type)} cannot be decoded");
        }
    }

    private static List<byte[]> ReadStrings(RdbPrimitives rdb)
    {
        var items = new List<byte[]>();
        for (var n = rdb.ReadLength(); n > 0; n--) items.Add(rdb.ReadString());
        return items;
    }

    /// <summary>A double as 8 little-endian bytes, written back as the shortest text that reads as the same double.</summary>
    private static byte[] BinaryScore(RdbPrimitives rdb)
    {
        var score = BitConverter.Int64BitsToDouble(rdb.ReadInt64LittleEndian());
        return Encoding.ASCII.GetBytes(ScoreText(score));
    }

    public static string ScoreText(double score) => double.IsPositiveInfinity(score) ? "inf"
        : double.IsNegativeInfinity(score) ? "-inf"
        : score.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static List<(byte[], byte[])> Pairs(List<byte[]> items)
    {
        if (items.Count % 2 != 0) throw new RdbFormatException($"a compact value with an odd number of elements ({items.Count})");
        var pairs = new List<(byte[], byte[])>(items.Count / 2);
        for (var i = 0; i < items.Count; i += 2) pairs.Add((items[i], items[i + 1]));
        return pairs;
    }

    private static RdbStreamValue ReadStream(byte type, RdbPrimitives rdb)
    {
        var entries = new List<StreamEntry>();
        for (var nodes = rdb.ReadLength(); nodes > 0; nodes--)
        {
            var master = rdb.ReadString();
            if (master.Length != RdbFormat.StreamIdBytes) throw new RdbFormatException($"a stream node whose ID has {master.Length} bytes");
            ReadStreamNode(RawId(master), Listpack.Elements(rdb.ReadString()), entries);
        }
        rdb.ReadLength(); // length: the entries read above
        var lastId = new StreamId(rdb.ReadLength(), rdb.ReadLength());
        ulong? entriesAdded = null;
        StreamId? maxDeleted = null;
        if (type != RdbFormat.StreamListpacks)
        {
            rdb.ReadLength(); // first ID: the first entry read above
            rdb.ReadLength();
            maxDeleted = new StreamId(rdb.ReadLength(), rdb.ReadLength());
            entriesAdded = rdb.ReadLength();
        }
        var groups = new List<StreamGroup>();
        Span<byte> raw = stackalloc byte[RdbFormat.StreamIdBytes];
        for (var n = rdb.ReadLength(); n > 0; n--)
        {
            var name = rdb.ReadString();
            var lastDelivered = new StreamId(rdb.ReadLength(), rdb.ReadLength());
            long? entriesRead = null;
            if (type != RdbFormat.StreamListpacks && rdb.ReadLength() is var read && read != UnknownEntriesRead) entriesRead = (long)read;
            var pending = new Dictionary<StreamId, StreamPending>();
            for (var p = rdb.ReadLength(); p > 0; p--)
            {
                rdb.Input.ReadExactly(raw);
                var id = RawId(raw);
                pending[id] = new StreamPending(rdb.ReadInt64LittleEndian(), rdb.ReadLength());
            }
            var consumers = new List<StreamConsumer>();
            for (var c = rdb.ReadLength(); c > 0; c--)
            {
                var consumer = new StreamConsumer(rdb.ReadString(), []);
                rdb.ReadInt64LittleEndian(); // seen time: a target sets its own
                if (type == RdbFormat.StreamListpacks3) rdb.ReadInt64LittleEndian(); // active time (7.2)
                for (var p = rdb.ReadLength(); p > 0; p--)
                {
                    rdb.Input.ReadExactly(raw);
                    consumer.Pending.Add(RawId(raw));
                }
                consumers.Add(consumer);
            }
            groups.Add(new StreamGroup(name, lastDelivered, entriesRead, pending, consumers));
        }
        return new RdbStreamValue(entries, lastId, entriesAdded, maxDeleted, groups);
    }

    /// <summary>
    /// One node's listpack: a master entry (live count, deleted count, the field names, a 0), then entries, each
    /// flags, the ID as a difference from the node's, the values alone when the fields are the master's, else the
    /// field count and the pairs, and a trailing element count.
    /// </summary>
    private static void ReadStreamNode(StreamId master, List<byte[]> lp, List<StreamEntry> entries)
    {
        var i = 0;
        long Next() => i < lp.Count ? Number(lp[i++]) : throw new RdbFormatException("a stream node that ends inside an entry");
        byte[] NextBytes() => i < lp.Count ? lp[i++] : throw new RdbFormatException("a stream node that ends inside an entry");
        Next(); // live entries
        Next(); // deleted entries
        var masterFields = new List<byte[]>();
        for (var f = Next(); f > 0; f--) masterFields.Add(NextBytes());
        Next(); // the master entry's terminator
        while (i < lp.Count)
        {
            var flags = Next();
            // The differences are signed: an entry with a later millisecond may have a smaller sequence number.
            var id = new StreamId(unchecked(master.Ms + (ulong)Next()), unchecked(master.Seq + (ulong)Next()));
            var pairs = new List<byte[]>();
            if ((flags & StreamItemSameFields) != 0)
            {
                foreach (var field in masterFields)
                {
                    pairs.Add(field);
                    pairs.Add(NextBytes());
                }
            }
            else
            {
                for (var f = Next(); f > 0; f--)
                {
                    pairs.Add(NextBytes());
                    pairs.Add(NextBytes());
                }
            }
            Next(); // lp-count, for walking backwards
            if ((flags & StreamItemDeleted) == 0) entries.Add(new StreamEntry(id, pairs));
        }
    }

    private static StreamId RawId(ReadOnlySpan<byte> raw) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(raw), BinaryPrimitives.ReadUInt64BigEndian(raw[8..]));

    private static long Number(byte[] digits) =>
        long.TryParse(digits, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new RdbFormatException("a stream node with text where a number belongs");
}
