using System.Buffers.Binary;

namespace Vigil.Replication.Rdb;

/// <summary>A set of integers stored as a sorted array: the width of each (2, 4 or 8 bytes), the count, then the values, all little-endian.</summary>
public static class Intset
{
    public static List<byte[]> Members(ReadOnlySpan<byte> intset)
    {
        if (intset.Length < 8) throw new RdbFormatException("corrupt intset: shorter than its header");
        var width = BinaryPrimitives.ReadUInt32LittleEndian(intset);
        var count = BinaryPrimitives.ReadUInt32LittleEndian(intset[4..]);
        if (width is not (2 or 4 or 8) || (ulong)(intset.Length - 8) != count * width)
        {
            throw new RdbFormatException($"corrupt intset: {count} values of {width} bytes in {intset.Length - 8} bytes");
        }
        var members = new List<byte[]>((int)count);
        var values = intset[8..];
        for (var i = 0; i < (int)count; i++)
        {
            var at = values[(i * (int)width)..];
            long value = width switch
            {
                2 => BinaryPrimitives.ReadInt16LittleEndian(at),
                4 => BinaryPrimitives.ReadInt32LittleEndian(at),
                _ => BinaryPrimitives.ReadInt64LittleEndian(at),
            };
            members.Add(RdbPrimitives.Digits(value));
        }
        return members;
    }
}
