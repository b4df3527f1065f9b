using System.Buffers.Binary;
using System.Text;
using Vigil.Replication.Rdb;

namespace Vigil.Replication.Tests;

/// <summary>Writes small RDB files by hand, byte by byte, for the cases a real server will not produce (corruption, modules).</summary>
internal sealed class RdbBuilder
{
    private readonly List<byte> _bytes = [.. "REDIS0010"u8.ToArray()];

    public int Length => _bytes.Count;

    public RdbBuilder Byte(byte b)
    {
        _bytes.Add(b);
        return this;
    }

    public RdbBuilder Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    /// <summary>Lengths under 64 take one byte, under 16384 two.</summary>
    public RdbBuilder Length6Or14(int length) => length < 64
        ? Byte((byte)length)
        : Raw((byte)(0x40 | (length >> 8)), (byte)length);

    public RdbBuilder String(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Length6Or14(bytes.Length);
        return Raw(bytes);
    }

    public RdbBuilder Bytes(byte[] bytes)
    {
        Length6Or14(bytes.Length);
        return Raw(bytes);
    }

    public RdbBuilder Aux(string name, string value) => Byte(RdbFormat.OpAux).String(name).String(value);

    public RdbBuilder SelectDb(int db) => Byte(RdbFormat.OpSelectDb).Length6Or14(db);

    public RdbBuilder ExpireMs(long at)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, at);
        return Byte(RdbFormat.OpExpireTimeMs).Raw(bytes);
    }

    public RdbBuilder StringKey(string key, string value) => Byte(RdbFormat.String).String(key).String(value);

    /// <summary>The EOF opcode and the checksum of everything before it (or <paramref name="checksum"/>).</summary>
    public byte[] End(ulong? checksum = null)
    {
        Byte(RdbFormat.OpEof);
        var crc = checksum ?? Crc64.Update(0, [.. _bytes]);
        var tail = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(tail, crc);
        return [.. _bytes, .. tail];
    }

    public static List<RdbEntry> ReadAll(byte[] rdb)
    {
        var reader = new RdbReader(new ByteInput(new MemoryStream(rdb), bufferSize: 7));
        var entries = new List<RdbEntry>();
        while (true)
        {
            var entry = reader.Next();
            entries.Add(entry);
            if (entry is RdbEnd) return entries;
        }
    }
}
