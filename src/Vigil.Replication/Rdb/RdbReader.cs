using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Vigil.Replication.Rdb;

/// <summary>
/// Reads an RDB snapshot one entry at a time from a <see cref="ByteInput"/>, verifying the checksum at the
/// end. Each key's value is walked (every length checked) and its raw bytes kept as a DUMP payload: the
/// value's serialisation is the same in a snapshot and in DUMP, so nothing is decoded and re-encoded, and
/// memory holds one value at a time. Module values, the 7.0 release candidates' function format and unknown
/// opcodes are an <see cref="RdbFormatException"/> naming the key and byte offset; a connection that ends
/// early surfaces as <see cref="EndOfStreamException"/>.
/// </summary>
public sealed class RdbReader
{
    /// <summary>No single string is accepted beyond Redis's own largest bulk string (proto-max-bulk-len's ceiling).</summary>
    public const long MaxStringBytes = 512L * 1024 * 1024;

    private const string ModuleNameCharset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private readonly ByteInput _input;
    private readonly long _origin;
    private int _db;
    private long? _expireAtMs;
    private bool _done;

    public RdbReader(ByteInput input)
    {
        _input = input;
        _origin = input.Position;
    }

    /// <summary>The format version from the header (known once the first entry was read).</summary>
    public int Version { get; private set; }

    /// <summary>Bytes of the snapshot consumed so far.</summary>
    public long BytesRead => _input.Position - _origin;

    /// <summary>The next entry; <see cref="RdbEnd"/> last, after which calling again is an error.</summary>
    public RdbEntry Next()
    {
        if (_done) throw new InvalidOperationException("the snapshot was read to its end");
        if (Version == 0) ReadHeader();
        while (true)
        {
            var offset = BytesRead;
            var op = _input.ReadByte();
            switch (op)
            {
                case RdbFormat.OpAux:
                    return new RdbAux(Encoding.UTF8.GetString(ReadString()), Encoding.UTF8.GetString(ReadString()));
                case RdbFormat.OpSelectDb:
                    _db = checked((int)ReadLength());
                    return new RdbSelectDb(_db);
                case RdbFormat.OpResizeDb:
                    ReadLength();
                    ReadLength();
                    continue;
                case RdbFormat.OpExpireTimeMs:
                    _expireAtMs = ReadInt64LittleEndian();
                    continue;
                case RdbFormat.OpExpireTime:
                    _expireAtMs = ReadInt32LittleEndian() * 1000L;
                    continue;
                case RdbFormat.OpIdle:
                    ReadLength();
                    continue;
                case RdbFormat.OpFreq:
                    _input.ReadByte();
                    continue;
                case RdbFormat.OpFunction2:
                    return new RdbFunction(ReadString());
                case RdbFormat.OpFunction:
                    throw new RdbFormatException($"at byte {offset}: a function library in the format of Redis 7.0 release candidates, which is not supported");
                case RdbFormat.OpModuleAux:
                    throw new RdbFormatException($"at byte {offset}: module data ({ModuleName(ReadLength())}) that only the module can read");
                case RdbFormat.OpEof:
                    return ReadEnd();
                default:
                    return ReadKey(op, offset);
            }
        }
    }

    private void ReadHeader()
    {
        _input.TrackCrc = true;
        _input.Crc = 0;
        Span<byte> header = stackalloc byte[9];
        _input.ReadExactly(header);
        if (!header[..5].SequenceEqual("REDIS"u8)
            || !int.TryParse(header[5..], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new RdbFormatException("not an RDB snapshot (no REDISnnnn header)");
        }
        if (version is < RdbFormat.OldestVersion or > RdbFormat.NewestVersion)
        {
            throw new RdbFormatException($"RDB format version {version} is not supported (up to {RdbFormat.NewestVersion})");
        }
        Version = version;
    }

    private RdbEnd ReadEnd()
    {
        var computed = _input.Crc;
        _input.TrackCrc = false;
        _done = true;
        if (Version < 5) return new RdbEnd(0);
        var stored = (ulong)ReadInt64LittleEndian();
        if (stored != 0 && stored != computed)
        {
            throw new RdbFormatException($"snapshot checksum mismatch: the file says {stored:x16}, its {BytesRead} bytes give {computed:x16} (corrupt in transit or on disk)");
        }
        return new RdbEnd(stored);
    }

    private RdbKey ReadKey(byte type, long offset)
    {
        var key = ReadString();
        var expireAtMs = _expireAtMs;
        _expireAtMs = null;
        if (type is RdbFormat.Module or RdbFormat.Module2)
        {
            throw new RdbFormatException($"key '{Printable(key)}' (db {_db}) at byte {offset} holds a module value ({ModuleName(ReadLength())}): it can only be moved by the module itself");
        }
        var capture = new ArrayBufferWriter<byte>();
        capture.Write([type]);
        _input.Capture = capture;
        try
        {
            WalkValue(type, key, offset);
        }
        finally
        {
            _input.Capture = null;
        }
        // DUMP's trailer: the RDB version, then a CRC-64 of everything before it, both little-endian.
        var trailer = capture.GetSpan(10);
        BinaryPrimitives.WriteUInt16LittleEndian(trailer, (ushort)Version);
        capture.Advance(2);
        var crc = Crc64.Update(0, capture.WrittenSpan);
        BinaryPrimitives.WriteUInt64LittleEndian(capture.GetSpan(8), crc);
        capture.Advance(8);
        return new RdbKey(_db, key, type, expireAtMs, capture.WrittenMemory);
    }

    private void WalkValue(byte type, byte[] key, long offset)
    {
        switch (type)
        {
            case RdbFormat.String:
            case RdbFormat.HashZipmap or RdbFormat.ListZiplist or RdbFormat.SetIntset or RdbFormat.ZsetZiplist
                or RdbFormat.HashZiplist or RdbFormat.HashListpack or RdbFormat.ZsetListpack or RdbFormat.SetListpack:
                SkipString();
                break;
            case RdbFormat.List or RdbFormat.Set or RdbFormat.ListQuicklist:
                for (var n = ReadLength(); n > 0; n--) SkipString();
                break;
            case RdbFormat.Hash:
                for (var n = ReadLength(); n > 0; n--)
                {
                    SkipString();
                    SkipString();
                }
                break;
            case RdbFormat.Zset:
                for (var n = ReadLength(); n > 0; n--)
                {
                    SkipString();
                    SkipTextDouble();
                }
                break;
            case RdbFormat.Zset2:
                for (var n = ReadLength(); n > 0; n--)
                {
                    SkipString();
                    _input.Skip(8);
                }
                break;
            case RdbFormat.ListQuicklist2:
                for (var n = ReadLength(); n > 0; n--)
                {
                    ReadLength(); // container: plain node or packed listpack
                    SkipString();
                }
                break;
            case RdbFormat.StreamListpacks or RdbFormat.StreamListpacks2 or RdbFormat.StreamListpacks3:
                WalkStream(type);
                break;
            default:
                throw new RdbFormatException($"key '{Printable(key)}' (db {_db}) at byte {offset}: unknown value type or opcode {type}");
        }
    }

    private void WalkStream(byte type)
    {
        for (var n = ReadLength(); n > 0; n--)
        {
            SkipString(); // master ID of the node
            SkipString(); // the node's listpack
        }
        ReadLength(); // length
        ReadLength(); // last ID ms
        ReadLength(); // last ID seq
        if (type != RdbFormat.StreamListpacks)
        {
            for (var i = 0; i < 5; i++) ReadLength(); // first ID, max deleted ID, entries added
        }
        for (var groups = ReadLength(); groups > 0; groups--)
        {
            SkipString(); // group name
            ReadLength(); // last delivered ms
            ReadLength(); // last delivered seq
            if (type != RdbFormat.StreamListpacks) ReadLength(); // entries read
            for (var pending = ReadLength(); pending > 0; pending--)
            {
                _input.Skip(RdbFormat.StreamIdBytes + 8); // ID, delivery time
                ReadLength(); // delivery count
            }
            for (var consumers = ReadLength(); consumers > 0; consumers--)
            {
                SkipString(); // consumer name
                _input.Skip(type == RdbFormat.StreamListpacks3 ? 16 : 8); // seen time (and active time since 7.2)
                _input.Skip((long)ReadLength() * RdbFormat.StreamIdBytes); // the consumer's pending IDs
            }
        }
    }

    private ulong ReadLength() => ReadLength(out var encoded) is var length && !encoded
        ? length
        : throw new RdbFormatException($"at byte {BytesRead}: an encoded string where a length was expected");

    private ulong ReadLength(out bool encoded)
    {
        encoded = false;
        var first = _input.ReadByte();
        switch (first >> 6)
        {
            case 0:
                return (ulong)(first & 0x3f);
            case 1:
                return ((ulong)(first & 0x3f) << 8) | _input.ReadByte();
            case 3:
                encoded = true;
                return (ulong)(first & 0x3f);
        }
        Span<byte> bytes = stackalloc byte[8];
        switch (first)
        {
            case 0x80:
                _input.ReadExactly(bytes[..4]);
                return BinaryPrimitives.ReadUInt32BigEndian(bytes);
            case 0x81:
                _input.ReadExactly(bytes);
                return BinaryPrimitives.ReadUInt64BigEndian(bytes);
            default:
                throw new RdbFormatException($"at byte {BytesRead - 1}: invalid length prefix 0x{first:x2}");
        }
    }

    /// <summary>A string in full: plain, an integer stored in binary (written back as its digits), or LZF-compressed.</summary>
    private byte[] ReadString()
    {
        var length = ReadLength(out var encoded);
        if (!encoded) return ReadBytes(length);
        Span<byte> number = stackalloc byte[4];
        switch (length)
        {
            case 0:
                return Digits((sbyte)_input.ReadByte());
            case 1:
                _input.ReadExactly(number[..2]);
                return Digits(BinaryPrimitives.ReadInt16LittleEndian(number));
            case 2:
                _input.ReadExactly(number);
                return Digits(BinaryPrimitives.ReadInt32LittleEndian(number));
            case 3:
                var compressedLength = ReadLength();
                var length2 = ReadLength();
                var compressed = ReadBytes(compressedLength);
                var plain = new byte[CheckedSize(length2)];
                if (!Lzf.TryDecompress(compressed, plain)) throw new RdbFormatException($"at byte {BytesRead}: corrupt LZF-compressed string");
                return plain;
            default:
                throw new RdbFormatException($"at byte {BytesRead}: unknown string encoding {length}");
        }
    }

    private void SkipString()
    {
        var length = ReadLength(out var encoded);
        if (!encoded)
        {
            _input.Skip((long)CheckedSize(length));
            return;
        }
        switch (length)
        {
            case 0: _input.Skip(1); break;
            case 1: _input.Skip(2); break;
            case 2: _input.Skip(4); break;
            case 3:
                var compressedLength = ReadLength();
                CheckedSize(ReadLength());
                _input.Skip((long)CheckedSize(compressedLength));
                break;
            default:
                throw new RdbFormatException($"at byte {BytesRead}: unknown string encoding {length}");
        }
    }

    /// <summary>A score as text, from the oldest sorted set format: a length byte (253-255 mean NaN, +inf, -inf) and the digits.</summary>
    private void SkipTextDouble()
    {
        var length = _input.ReadByte();
        if (length < 253) _input.Skip(length);
    }

    private long ReadInt64LittleEndian()
    {
        Span<byte> bytes = stackalloc byte[8];
        _input.ReadExactly(bytes);
        return BinaryPrimitives.ReadInt64LittleEndian(bytes);
    }

    private int ReadInt32LittleEndian()
    {
        Span<byte> bytes = stackalloc byte[4];
        _input.ReadExactly(bytes);
        return BinaryPrimitives.ReadInt32LittleEndian(bytes);
    }

    private byte[] ReadBytes(ulong length)
    {
        var bytes = new byte[CheckedSize(length)];
        _input.ReadExactly(bytes);
        return bytes;
    }

    private int CheckedSize(ulong length) => length <= MaxStringBytes
        ? (int)length
        : throw new RdbFormatException($"at byte {BytesRead}: a string of {length} bytes, beyond the {MaxStringBytes} Redis allows (corrupt snapshot)");

    private static byte[] Digits(long value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A module type ID holds the type's 9-character name (6 bits a character) above a 10-bit encoding version.</summary>
    internal static string ModuleName(ulong id)
    {
        var name = new char[9];
        var bits = id >> 10;
        for (var i = 8; i >= 0; i--)
        {
            name[i] = ModuleNameCharset[(int)(bits & 63)];
            bits >>= 6;
        }
        return $"module type '{new string(name)}'";
    }

    /// <summary>Key bytes for a message: printable ASCII as is, the rest as \xNN.</summary>
    public static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and < 0x7f && b != '\\') text.Append((char)b);
            else text.Append(CultureInfo.InvariantCulture, $"\\x{b:x2}");
        }
        return text.ToString();
    }
}
