namespace Vigil.Replication.Rdb;

/// <summary>
/// The CRC-64 Redis puts at the end of an RDB file and of a DUMP payload: the "Jones" polynomial
/// 0xad93d23594c935a9, reflected, initial value 0, no final xor. The check value of "123456789" is
/// 0xe9c6d914c4b8d9ca. Eight tables let the loop take eight bytes at a time.
/// </summary>
public static class Crc64
{
    private const ulong ReflectedPolynomial = 0x95ac9329ac4bc9b5UL; // 0xad93d23594c935a9 bit-reversed

    private static readonly ulong[][] Tables = BuildTables();

    public static ulong Update(ulong crc, ReadOnlySpan<byte> data)
    {
        var t = Tables;
        while (data.Length >= 8)
        {
            crc ^= System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(data);
            crc = t[7][crc & 0xff] ^ t[6][(crc >> 8) & 0xff] ^ t[5][(crc >> 16) & 0xff] ^ t[4][(crc >> 24) & 0xff]
                ^ t[3][(crc >> 32) & 0xff] ^ t[2][(crc >> 40) & 0xff] ^ t[1][(crc >> 48) & 0xff] ^ t[0][crc >> 56];
            data = data[8..];
        }
        foreach (var b in data) crc = t[0][(crc ^ b) & 0xff] ^ (crc >> 8);
        return crc;
    }

    public static ulong UpdateByte(ulong crc, byte value) => Tables[0][(crc ^ value) & 0xff] ^ (crc >> 8);

    private static ulong[][] BuildTables()
    {
        var tables = new ulong[8][];
        for (var k = 0; k < 8; k++) tables[k] = new ulong[256];
        for (var i = 0; i < 256; i++)
        {
            var crc = (ulong)i;
            for (var bit = 0; bit < 8; bit++) crc = (crc & 1) != 0 ? (crc >> 1) ^ ReflectedPolynomial : crc >> 1;
            tables[0][i] = crc;
        }
        for (var i = 0; i < 256; i++)
        {
            for (var k = 1; k < 8; k++) tables[k][i] = tables[0][tables[k - 1][i] & 0xff] ^ (tables[k - 1][i] >> 8);
        }
        return tables;
    }
}
