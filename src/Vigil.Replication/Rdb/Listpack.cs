using System.Buffers.Binary;

namespace Vigil.Replication.Rdb;

/// <summary>
/// Reads the elements of a listpack (Redis 7's compact encoding of small hashes, sorted sets, sets, list nodes and
/// stream nodes): a 4-byte total size and a 2-byte count, then elements, each an encoding byte that says whether it is
/// an integer (7, 13, 16, 24, 32 or 64 bits) or a string (6-, 12- or 32-bit length), its data, and a 1-5 byte
/// "back length" for walking backwards, which we skip; 0xFF ends it. Integers come back as their decimal digits, as
/// the commands that rebuild the value take them.
/// </summary>
public static class Listpack
{
    private const int HeaderBytes = 6;
    private const byte End = 0xff;

    public static List<byte[]> Elements(ReadOnlySpan<byte> listpack)
    {
        if (listpack.Length < HeaderBytes + 1) throw Corrupt("shorter than its header");
        var elements = new List<byte[]>(BinaryPrimitives.ReadUInt16LittleEndian(listpack[4..]));
        var p = HeaderBytes;
        while (true)
        {
            if (p >= listpack.Length) throw Corrupt("no end marker");
            var b = listpack[p];
            if (b == End) return elements;
            int header;
            int dataLength;
            byte[]? value = null;
            if ((b & 0x80) == 0)
            {
                header = 1;
                dataLength = 0;
                value = RdbPrimitives.Digits(b);
            }
            else if ((b & 0xc0) == 0x80)
            {
                header = 1;
                dataLength = b & 0x3f;
            }
            else if ((b & 0xe0) == 0xc0)
            {
                header = 2;
                dataLength = 0;
                var raw = ((b & 0x1f) << 8) | At(listpack, p + 1);
                value = RdbPrimitives.Digits(raw >= 1 << 12 ? raw - (1 << 13) : raw);
            }
            else if ((b & 0xf0) == 0xe0)
            {
                header = 2;
                dataLength = ((b & 0x0f) << 8) | At(listpack, p + 1);
            }
            else
            {
                (header, dataLength, value) = b switch
                {
                    0xf0 => (5, checked((int)BinaryPrimitives.ReadUInt32LittleEndian(Slice(listpack, p + 1, 4))), null),
                    0xf1 => (3, 0, RdbPrimitives.Digits(BinaryPrimitives.ReadInt16LittleEndian(Slice(listpack, p + 1, 2)))),
                    0xf2 => (4, 0, RdbPrimitives.Digits(Int24(Slice(listpack, p + 1, 3)))),
                    0xf3 => (5, 0, RdbPrimitives.Digits(BinaryPrimitives.ReadInt32LittleEndian(Slice(listpack, p + 1, 4)))),
                    0xf4 => (9, 0, RdbPrimitives.Digits(BinaryPrimitives.ReadInt64LittleEndian(Slice(listpack, p + 1, 8)))),
                    _ => throw Corrupt($"unknown element encoding 0x{b:x2} at byte {p}"),
                };
            }
            value ??= Slice(listpack, p + header, dataLength).ToArray();
            elements.Add(value);
            var entryLength = header + dataLength;
            p += entryLength + BackLengthBytes(entryLength);
        }
    }

    /// <summary>The back length is the entry's own length in 7-bit groups.</summary>
    private static int BackLengthBytes(int entryLength) => entryLength switch
    {
        <= 127 => 1,
        < 16383 => 2,
        < 2097151 => 3,
        < 268435455 => 4,
        _ => 5,
    };

    internal static int Int24(ReadOnlySpan<byte> le) => (le[0] | (le[1] << 8) | (le[2] << 16)) << 8 >> 8;

    private static byte At(ReadOnlySpan<byte> bytes, int index) => index < bytes.Length ? bytes[index] : throw Corrupt("an element runs past its end");

    internal static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> bytes, int start, int length) =>
        start >= 0 && length >= 0 && start <= bytes.Length - length ? bytes.Slice(start, length) : throw Corrupt("an element runs past its end");

    private static RdbFormatException Corrupt(string what) => new($"corrupt listpack: {what}");
}
