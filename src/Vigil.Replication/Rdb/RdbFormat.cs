namespace Vigil.Replication.Rdb;

/// <summary>The RDB file's type bytes and opcodes (format version 10 is Redis 7.0's, 11 is 7.2's).</summary>
public static class RdbFormat
{
    public const int OldestVersion = 1;
    public const int NewestVersion = 11;

    public const byte String = 0;
    public const byte List = 1;
    public const byte Set = 2;
    public const byte Zset = 3;
    public const byte Hash = 4;
    public const byte Zset2 = 5;
    public const byte Module = 6;
    public const byte Module2 = 7;
    public const byte HashZipmap = 9;
    public const byte ListZiplist = 10;
    public const byte SetIntset = 11;
    public const byte ZsetZiplist = 12;
    public const byte HashZiplist = 13;
    public const byte ListQuicklist = 14;
    public const byte StreamListpacks = 15;
    public const byte HashListpack = 16;
    public const byte ZsetListpack = 17;
    public const byte ListQuicklist2 = 18;
    public const byte StreamListpacks2 = 19;
    public const byte SetListpack = 20;
    public const byte StreamListpacks3 = 21;

    public const byte OpFunction2 = 245;
    public const byte OpFunction = 246;
    public const byte OpModuleAux = 247;
    public const byte OpIdle = 248;
    public const byte OpFreq = 249;
    public const byte OpAux = 250;
    public const byte OpResizeDb = 251;
    public const byte OpExpireTimeMs = 252;
    public const byte OpExpireTime = 253;
    public const byte OpSelectDb = 254;
    public const byte OpEof = 255;

    /// <summary>A stream ID as stored in a PEL: two big-endian 64-bit numbers.</summary>
    public const int StreamIdBytes = 16;

    /// <summary>
    /// The newest RDB version a Redis of <paramref name="redis"/> reads, in a file or a RESTORE payload (it refuses a
    /// newer one): 6 from 2.6, 7 from 3.2, 8 from 4.0, 9 from 5.0, 10 from 7.0, 11 from 7.2, 12 from 7.4.
    /// </summary>
    public static int ReadableBy(Version redis) => redis switch
    {
        { Major: > 7 } or { Major: 7, Minor: >= 4 } => 12,
        { Major: 7, Minor: >= 2 } => 11,
        { Major: 7 } => 10,
        { Major: >= 5 } => 9,
        { Major: 4 } => 8,
        { Major: 3, Minor: >= 2 } => 7,
        _ => 6,
    };

    public static string TypeName(byte type) => type switch
    {
        String => "string",
        List or ListZiplist or ListQuicklist or ListQuicklist2 => "list",
        Set or SetIntset or SetListpack => "set",
        Zset or Zset2 or ZsetZiplist or ZsetListpack => "zset",
        Hash or HashZipmap or HashZiplist or HashListpack => "hash",
        StreamListpacks or StreamListpacks2 or StreamListpacks3 => "stream",
        Module or Module2 => "module",
        _ => $"type {type}",
    };
}
