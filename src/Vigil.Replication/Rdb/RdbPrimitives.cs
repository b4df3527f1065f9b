using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Vigil.Replication.Rdb;

/// <summary>
/// The RDB format's building blocks read from a <see cref="ByteInput"/>: lengths (6, 14, 32 or 64 bits, or
/// the mark of an encoded string), strings (plain, an integer stored in binary, LZF-compressed) and
/// little-endian integers. Shared by the snapshot reader and the value decoder, which read the same encodings
/// from a stream and from one value's bytes. Offsets in errors count from where this reading began.
/// </summary>
public sealed class RdbPrimitives(ByteInput input)
{
    /// <summary>No single string is accepted beyond Redis's own largest bulk string (proto-max-bulk-len's ceiling).</summary>
    public const long MaxStringBytes = 512L * 1024 * 1024;

    private readonly long _origin = input.Position;

    public ByteInput Input => input;

    /// <summary>Bytes consumed since this reading began.</summary>
    public long BytesRead => input.Position - _origin;

    public ulong ReadLength() => ReadLength(out var encoded) is var length && !encoded
        ? length
        : throw new RdbFormatException($"at byte {BytesRead}: an encoded string where a length was expected");

    public ulong ReadLength(out bool encoded)
    {
        encoded = false;
        var first = input.ReadByte();
        switch (first >> 6)
        {
            case 0:
                return (ulong)(first & 0x3f);
            case 1:
                return ((ulong)(first & 0x3f) << 8) | input.ReadByte();
            case 3:
                encoded = true;
                return (ulong)(first & 0x3f);
        }
        Span<byte> bytes = stackalloc byte[8];
        switch (first)
        {
            case 0x80:
                input.ReadExactly(bytes[..4]);
                return BinaryPrimitives.ReadUInt32BigEndian(bytes);
            case 0x81:
                input.ReadExactly(bytes);
                return BinaryPrimitives.ReadUInt64BigEndian(bytes);
            default:
                throw new RdbFormatException($"at byte {BytesRead - 1}: invalid length prefix 0x{first:x2}");
        }
    }

    /// <summary>A string in full: plain, an integer stored in binary (written back as its digits), or LZF-compressed.</summary>
    public byte[] ReadString()
    {
        var length = ReadLength(out var encoded);
        if (!encoded) return ReadBytes(length);
        Span<byte> number = stackalloc byte[4];
        switch (length)
        {
            case 0:
                return Digits((sbyte)input.ReadByte());
            case 1:
                input.ReadExactly(number[..2]);
                return Digits(BinaryPrimitives.ReadInt16LittleEndian(number));
            case 2:
                input.ReadExactly(number);
                return Digits(BinaryPrimitives.ReadInt32LittleEndian(number));
            case 3:
                var compressedLength = ReadLength();
                var plainLength = ReadLength();
                var compressed = ReadBytes(compressedLength);
                var plain = new byte[CheckedSize(plainLength)];
                if (!Lzf.TryDecompress(compressed, plain)) throw new RdbFormatException($"at byte {BytesRead}: corrupt LZF-compressed string");
                return plain;
            default:
                throw new RdbFormatException($"at byte {BytesRead}: unknown string encoding {length}");
        }
    }

    public void SkipString()
    {
        var length = ReadLength(out var encoded);
        if (!encoded)
        {
            input.Skip(CheckedSize(length));
            return;
        }
        switch (length)
        {
            case 0: input.Skip(1); break;
            case 1: input.Skip(2); break;
            case 2: input.Skip(4); break;
            case 3:
                var compressedLength = ReadLength();
                CheckedSize(ReadLength());
                input.Skip(CheckedSize(compressedLength));
                break;
            default:
                throw new RdbFormatException($"at byte {BytesRead}: unknown string encoding {length}");
        }
    }

    /// <summary>
    /// A score as text, from the oldest sorted set format: a length byte (253-255 mean NaN, +inf, -inf) and the
    /// digits. Returned as ZADD takes it.
    /// </summary>
    public byte[] ReadTextDouble()
    {
        var length = input.ReadByte();
        switch (length)
        {
            case 253: return "nan"u8.ToArray();
            case 254: return "inf"u8.ToArray();
            case 255: return "-inf"u8.ToArray();
        }
        var digits = new byte[length];
        input.ReadExactly(digits);
        return digits;
    }

    public void SkipTextDouble()
    {
        var length = input.ReadByte();
        if (length < 253) input.Skip(length);
    }

    public long ReadInt64LittleEndian()
    {
        Span<byte> bytes = stackalloc byte[8];
        input.ReadExactly(bytes);
        return BinaryPrimitives.ReadInt64LittleEndian(bytes);
    }

    public int ReadInt32LittleEndian()
    {
        Span<byte> bytes = stackalloc byte[4];
        input.ReadExactly(bytes);
        return BinaryPrimitives.ReadInt32LittleEndian(bytes);
    }

    public byte[] ReadBytes(ulong length)
    {
        var bytes = new byte[CheckedSize(length)];
        input.ReadExactly(bytes);
        return bytes;
    }

    public int CheckedSize(ulong length) => length <= MaxStringBytes
        ? (int)length
        : throw new RdbFormatException($"at byte {BytesRead}: a string of {length} bytes, beyond the {MaxStringBytes} Redis allows (corrupt snapshot)");

    internal static byte[] Digits(long value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));
}
