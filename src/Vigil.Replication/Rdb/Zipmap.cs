using System.Buffers.Binary;

namespace Vigil.Replication.Rdb;

/// <summary>
/// The small-hash encoding of Redis before 2.6 (found only in very old snapshots): a count byte, then field and value
/// pairs, each string a length (1 byte under 254, or 254 and 4 bytes) and its bytes, a value followed by unused
/// "free" bytes whose count precedes it; 0xFF ends it. Returns fields and values alternately.
/// </summary>
public static class Zipmap
{
    public static List<byte[]> FieldsAndValues(ReadOnlySpan<byte> zipmap)
    {
        var items = new List<byte[]>();
        var p = 1;
        while (true)
        {
            if (p >= zipmap.Length) throw new RdbFormatException("corrupt zipmap: no end marker");
            if (zipmap[p] == 0xff) return items;
            var field = ReadString(zipmap, ref p, hasFree: false);
            items.Add(field);
            items.Add(ReadString(zipmap, ref p, hasFree: true));
        }
    }

    private static byte[] ReadString(ReadOnlySpan<byte> zipmap, ref int p, bool hasFree)
    {
        int length = Listpack.Slice(zipmap, p, 1)[0];
        p++;
        if (length == 254)
        {
            length = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(Listpack.Slice(zipmap, p, 4)));
            p += 4;
        }
        else if (length == 255)
        {
            throw new RdbFormatException("corrupt zipmap: a value where the end was expected");
        }
        var free = hasFree ? Listpack.Slice(zipmap, p++, 1)[0] : 0;
        var value = Listpack.Slice(zipmap, p, length).ToArray();
        p += length + free;
        return value;
    }
}
