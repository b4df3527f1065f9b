namespace Vigil.Replication.Rdb;

/// <summary>One thing an RDB snapshot holds, in file order.</summary>
public abstract record RdbEntry;

/// <summary>An AUX field (redis-ver, ctime, repl-offset, ...).</summary>
public sealed record RdbAux(string Name, string Value) : RdbEntry;

/// <summary>The keys that follow belong to database <paramref name="Db"/>.</summary>
public sealed record RdbSelectDb(int Db) : RdbEntry;

/// <summary>A function library: its source code, as FUNCTION LOAD takes it.</summary>
public sealed record RdbFunction(byte[] Code) : RdbEntry;

/// <summary>
/// One key. <paramref name="Dump"/> is the value in DUMP format (type byte, the value as the RDB stores it,
/// RDB version, CRC-64), ready for RESTORE. <paramref name="ExpireAtMs"/> is absolute Unix time, or null.
/// </summary>
public sealed record RdbKey(int Db, byte[] Key, byte Type, long? ExpireAtMs, ReadOnlyMemory<byte> Dump) : RdbEntry;

/// <summary>The end of the snapshot; its checksum was verified (0 means the source does not compute one).</summary>
public sealed record RdbEnd(ulong Checksum) : RdbEntry;
