using System.Buffers.Binary;

namespace Vigil.Replication.Rdb;

/// <summary>
/// Reads the elements of a ziplist (the compact encoding before listpacks, in snapshots of Redis before 7.0): a
/// 10-byte header, then elements, each the previous element's length (1 byte, or 0xFE and 4 more), an encoding
/// (a string of 6-, 14- or 32-bit length; an integer of 8, 16, 24, 32 or 64 bits; or 0..12 held in the encoding
/// byte itself) and its data; 0xFF ends it. Integers come back as their decimal digits.
/// </summary>
public static class Ziplist
{
    private const int HeaderBytes = 10;
    private const byte End = 0xff;

    public static List<byte[]> Elements(ReadOnlySpan<byte> ziplist)
    {
        if (ziplist.Length < HeaderBytes + 1) throw Corrupt("shorter than its header");
        var elements = new List<byte[]>(BinaryPrimitives.ReadUInt16LittleEndian(ziplist[8..]));
        var p = HeaderBytes;
        while (true)
        {
            if (p >= ziplist.Length) throw Corrupt("no end marker");
            if (ziplist[p] == End) return elements;
            p += ziplist[p] < 254 ? 1 : 5;
            if (p >= ziplist.Length) throw Corrupt("an element runs past its end");
            var b = ziplist[p];
            switch (b >> 6)
            {
                case 0:
                    elements.Add(Listpack.Slice(ziplist, p + 1, b & 0x3f).ToArray());
                    p += 1 + (b & 0x3f);
                    continue;
                case 1:
                    var length14 = ((b & 0x3f) << 8) | Listpack.Slice(ziplist, p + 1, 1)[0];
                    elements.Add(Listpack.Slice(ziplist, p + 2, length14).ToArray());
                    p += 2 + length14;
                    continue;
                case 2:
                    var length32 = checked((int)BinaryPrimitives.ReadUInt32BigEndian(Listpack.Slice(ziplist, p + 1, 4)));
                    elements.Add(Listpack.Slice(ziplist, p + 5, length32).ToArray());
                    p += 5 + length32;
                    continue;
            }
            var (size, value) = b switch
            {
                0xc0 => (2, (long)BinaryPrimitives.ReadInt16LittleEndian(Listpack.Slice(ziplist, p + 1, 2))),
                0xd0 => (4, BinaryPrimitives.ReadInt32LittleEndian(Listpack.Slice(ziplist, p + 1, 4))),
                0xe0 => (8, BinaryPrimitives.ReadInt64LittleEndian(Listpack.Slice(ziplist, p + 1, 8))),
                0xf0 => (3, Listpack.Int24(Listpack.Slice(ziplist, p + 1, 3))),
                0xfe => (1, (sbyte)Listpack.Slice(ziplist, p + 1, 1)[0]),
                >= 0xf1 and <= 0xfd => (0, (b & 0x0f) - 1),
                _ => throw Corrupt($"unknown element encoding 0x{b:x2} at byte {p}"),
            };
            elements.Add(RdbPrimitives.Digits(value));
            p += 1 + size;
        }
    }

    private static RdbFormatException Corrupt(string what) => new($"corrupt ziplist: {what}");
}
