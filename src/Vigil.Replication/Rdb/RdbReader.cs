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
    public const long MaxStringBytes = RdbPrimitives.MaxStringBytes;

    private const string ModuleNameCharset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private readonly ByteInput _input;
    private readonly RdbPrimitives _rdb;
    private int _db;
    private long? _expireAtMs;
    private bool _done;

    public RdbReader(ByteInput input)
    {
        _input = input;
        _rdb = new RdbPrimitives(input);
    }

    /// <summary>The format version from the header (known once the first entry was read).</summary>
    public int Version { get; private set; }

    /// <summary>Bytes of the snapshot consumed so far.</summary>
    public long BytesRead => _rdb.BytesRead;

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
                    return new RdbAux(Encoding.UTF8.GetString(_rdb.ReadString()), Encoding.UTF8.GetString(_rdb.ReadString()));
                case RdbFormat.OpSelectDb:
                    _db = checked((int)_rdb.ReadLength());
                    return new RdbSelectDb(_db);
                case RdbFormat.OpResizeDb:
                    _rdb.ReadLength();
                    _rdb.ReadLength();
                    continue;
                case RdbFormat.OpExpireTimeMs:
                    _expireAtMs = _rdb.ReadInt64LittleEndian();
                    continue;
                case RdbFormat.OpExpireTime:
                    _expireAtMs = _rdb.ReadInt32LittleEndian() * 1000L;
                    continue;
                case RdbFormat.OpIdle:
                    _rdb.ReadLength();
                    continue;
                case RdbFormat.OpFreq:
                    _input.ReadByte();
                    continue;
                case RdbFormat.OpFunction2:
                    return new RdbFunction(_rdb.ReadString());
                case RdbFormat.OpFunction:
                    throw new RdbFormatException($"at byte {offset}: a function library in the format of Redis 7.0 release candidates, which is not supported");
                case RdbFormat.OpModuleAux:
                    throw new RdbFormatException($"at byte {offset}: module data ({ModuleName(_rdb.ReadLength())}) that only the module can read");
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
        var stored = (ulong)_rdb.ReadInt64LittleEndian();
        if (stored != 0 && stored != computed)
        {
            throw new RdbFormatException($"snapshot checksum mismatch: the file says {stored:x16}, its {BytesRead} bytes give {computed:x16} (corrupt in transit or on disk)");
        }
        return new RdbEnd(stored);
    }

    private RdbKey ReadKey(byte type, long offset)
    {
        var key = _rdb.ReadString();
        var expireAtMs = _expireAtMs;
        _expireAtMs = null;
        if (type is RdbFormat.Module or RdbFormat.Module2)
        {
            throw new RdbFormatException($"key '{Printable(key)}' (db {_db}) at byte {offset} holds a module value ({ModuleName(_rdb.ReadLength())}): it can only be moved by the module itself");
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
                _rdb.SkipString();
                break;
            case RdbFormat.List or RdbFormat.Set or RdbFormat.ListQuicklist:
                for (var n = _rdb.ReadLength(); n > 0; n--) _rdb.SkipString();
                break;
            case RdbFormat.Hash:
                for (var n = _rdb.ReadLength(); n > 0; n--)
                {
                    _rdb.SkipString();
                    _rdb.SkipString();
                }
                break;
            case RdbFormat.Zset:
                for (var n = _rdb.ReadLength(); n > 0; n--)
                {
                    _rdb.SkipString();
                    _rdb.SkipTextDouble();
                }
                break;
            case RdbFormat.Zset2:
                for (var n = _rdb.ReadLength(); n > 0; n--)
                {
                    _rdb.SkipString();
                    _input.Skip(8);
                }
                break;
            case RdbFormat.ListQuicklist2:
                for (var n = _rdb.ReadLength(); n > 0; n--)
                {
                    _rdb.ReadLength(); // container: plain node or packed listpack
                    _rdb.SkipString();
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
        for (var n = _rdb.ReadLength(); n > 0; n--)
        {
            _rdb.SkipString(); // master ID of the node
            _rdb.SkipString(); // the node's listpack
        }
        _rdb.ReadLength(); // length
        _rdb.ReadLength(); // last ID ms
        _rdb.ReadLength(); // last ID seq
        if (type != RdbFormat.StreamListpacks)
        {
            for (var i = 0; i < 5; i++) _rdb.ReadLength(); // first ID, max deleted ID, entries added
        }
        for (var groups = _rdb.ReadLength(); groups > 0; groups--)
        {
            _rdb.SkipString(); // group name
            _rdb.ReadLength(); // last delivered ms
            _rdb.ReadLength(); // last delivered seq
            if (type != RdbFormat.StreamListpacks) _rdb.ReadLength(); // entries read
            for (var pending = _rdb.ReadLength(); pending > 0; pending--)
            {
                _input.Skip(RdbFormat.StreamIdBytes + 8); // ID, delivery time
                _rdb.ReadLength(); // delivery count
            }
            for (var consumers = _rdb.ReadLength(); consumers > 0; consumers--)
            {
                _rdb.SkipString(); // consumer name
                _input.Skip(type == RdbFormat.StreamListpacks3 ? 16 : 8); // seen time (and active time since 7.2)
                _input.Skip((long)_rdb.ReadLength() * RdbFormat.StreamIdBytes); // the consumer's pending IDs
            }
        }
    }

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
