using System.Buffers.Binary;
using System.Text;
using Vigil.Replication.Rdb;

namespace Vigil.Replication.Tests;

/// <summary>
/// The compact encodings decoded element by element, from bytes written by hand with every element encoding: Redis
/// 7.0 writes listpacks for small values (the integration tests read those from real servers), but ziplists, zipmaps
/// and some integer widths appear only in snapshots of older servers or of unusual values.
/// </summary>
public sealed class CompactEncodingTests
{
    [Fact]
    public void ListpackElementsOfEveryEncoding()
    {
        var long12 = new string('L', 100);
        var elements = new List<byte>();
        void Entry(params byte[] encoded)
        {
            elements.AddRange(encoded);
            elements.Add((byte)encoded.Length); // every entry here is under 128 bytes: a one-byte back length
        }
        Entry(0x05);                                            // 7-bit unsigned 5
        Entry(0x82, (byte)'a', (byte)'b');                      // 6-bit length string "ab"
        Entry(0xdf, 0xfe);                                      // 13-bit -2
        Entry(0xf1, 0xe8, 0x03);                                // 16-bit 1000
        Entry(0xf2, 0x60, 0x79, 0xfe);                          // 24-bit -100000
        Entry(0xf3, 0xff, 0xff, 0xff, 0x7f);                    // 32-bit int.MaxValue
        Entry([0xf4, .. BitConverter.GetBytes(long.MinValue)]); // 64-bit
        Entry([0xe0, 100, .. Encoding.ASCII.GetBytes(long12)]); // 12-bit length string
        var listpack = Header(6, elements.Count + 7, 8).Concat(elements).Append((byte)0xff).ToArray();

        Assert.Equal(["5", "ab", "-2", "1000", "-100000", "2147483647", long.MinValue.ToString(), long12],
            Listpack.Elements(listpack).Select(Encoding.ASCII.GetString));
    }

    [Fact]
    public void ZiplistElementsOfEveryEncoding()
    {
        byte[] entries =
        [
            0x00, 0x02, (byte)'a', (byte)'b', // no previous entry, 6-bit length string
            0x04, 0xf6,                       // immediate 5
            0x02, 0xc0, 0xd4, 0xfe,           // 16-bit -300
            0x04, 0xfe, 0xfb,                 // 8-bit -5
            0x03, 0xf0, 0x01, 0x00, 0x80,     // 24-bit -8388607
            0x05, 0xd0, 0x00, 0x00, 0x00, 0x80, // 32-bit int.MinValue
        ];
        var ziplist = new byte[10].Concat(entries).Append((byte)0xff).ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(ziplist.AsSpan(8), 6);
        Assert.Equal(["ab", "5", "-300", "-5", "-8388607", "-2147483648"], Ziplist.Elements(ziplist).Select(Encoding.ASCII.GetString));
    }

    [Fact]
    public void IntsetMembersOfEachWidth()
    {
        Assert.Equal(["-1", "2", "300"], Intset.Members([2, 0, 0, 0, 3, 0, 0, 0, 0xff, 0xff, 2, 0, 0x2c, 0x01]).Select(Encoding.ASCII.GetString));
        Assert.Equal(["-5000000000"], Intset.Members([8, 0, 0, 0, 1, 0, 0, 0, .. BitConverter.GetBytes(-5_000_000_000L)]).Select(Encoding.ASCII.GetString));
        Assert.Throws<RdbFormatException>(() => Intset.Members([4, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0]));
    }

    [Fact]
    public void ZipmapFieldsAndValuesSkipFreeBytes()
    {
        byte[] zipmap = [1, 3, (byte)'f', (byte)'o', (byte)'o', 3, 2, (byte)'b', (byte)'a', (byte)'r', 0, 0, 0xff];
        Assert.Equal(["foo", "bar"], Zipmap.FieldsAndValues(zipmap).Select(Encoding.ASCII.GetString));
    }

    [Fact]
    public void ListpackWithoutItsEndIsCorrupt()
    {
        byte[] listpack = [.. Header(6, 8, 1), 0x05, 0x01];
        Assert.Throws<RdbFormatException>(() => Listpack.Elements(listpack));
    }

    [Fact]
    public void ZiplistValueInASnapshotDecodesToItsListAndHash()
    {
        byte[] ziplist = [.. new byte[10], 0x00, 0x01, (byte)'f', 0x03, 0xf3, 0xff];
        BinaryPrimitives.WriteUInt16LittleEndian(ziplist.AsSpan(8), 2);
        var rdb = new RdbBuilder()
            .Byte(RdbFormat.ListZiplist).String("list").Bytes(ziplist)
            .Byte(RdbFormat.HashZiplist).String("hash").Bytes(ziplist)
            .Byte(RdbFormat.Zset2).String("zset").Byte(1).String("m").Raw(BitConverter.GetBytes(2.5))
            .End();
        var keys = RdbBuilder.ReadAll(rdb).OfType<RdbKey>().ToList();
        var list = Assert.IsType<RdbListValue>(RdbValueDecoder.Decode(keys[0].Dump));
        Assert.Equal(["f", "2"], list.Items.Select(Encoding.ASCII.GetString));
        var hash = Assert.IsType<RdbHashValue>(RdbValueDecoder.Decode(keys[1].Dump));
        Assert.Equal(("f", "2"), (Encoding.ASCII.GetString(hash.Fields[0].Field), Encoding.ASCII.GetString(hash.Fields[0].Value)));
        var zset = Assert.IsType<RdbSortedSetValue>(RdbValueDecoder.Decode(keys[2].Dump));
        Assert.Equal("2.5", Encoding.ASCII.GetString(zset.Members[0].Score));
    }

    private static byte[] Header(int headerBytes, int totalBytes, int count)
    {
        var header = new byte[headerBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)totalBytes);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), (ushort)count);
        return header;
    }
}
