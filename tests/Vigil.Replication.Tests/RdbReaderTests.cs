using System.Buffers.Binary;
using System.Text;
using Vigil.Replication.Rdb;

namespace Vigil.Replication.Tests;

/// <summary>
/// The reader on hand-made files, for what a real server does not write on demand: corruption, module values,
/// unknown opcodes. Files that real servers write are read in the integration tests.
/// </summary>
public sealed class RdbReaderTests
{
    [Fact]
    public void EntriesInOrderWithExpiryAndDatabases()
    {
        var rdb = new RdbBuilder().Aux("redis-ver", "7.0.15").SelectDb(0).StringKey("a", "1")
            .SelectDb(3).ExpireMs(1_900_000_000_000).StringKey("b", "two").End();
        var entries = RdbBuilder.ReadAll(rdb);
        Assert.Equal(new RdbAux("redis-ver", "7.0.15"), entries[0]);
        Assert.Equal(new RdbSelectDb(0), entries[1]);
        var a = Assert.IsType<RdbKey>(entries[2]);
        Assert.Equal("a", Encoding.UTF8.GetString(a.Key));
        Assert.Null(a.ExpireAtMs);
        Assert.Equal(new RdbSelectDb(3), entries[3]);
        var b = Assert.IsType<RdbKey>(entries[4]);
        Assert.Equal(3, b.Db);
        Assert.Equal(1_900_000_000_000, b.ExpireAtMs);
        Assert.IsType<RdbEnd>(entries[5]);
    }

    [Fact]
    public void KeyBecomesADumpPayloadWithVersionAndChecksum()
    {
        var key = Assert.IsType<RdbKey>(RdbBuilder.ReadAll(new RdbBuilder().StringKey("k", "hello").End())[0]);
        var dump = key.Dump.Span;
        // type 0, length 5, "hello", version 10, CRC-64 of all that.
        Assert.Equal([0, 5, .. "hello"u8, 10, 0], dump[..^8].ToArray());
        Assert.Equal(Crc64.Update(0, dump[..^8]), BinaryPrimitives.ReadUInt64LittleEndian(dump[^8..]));
    }

    [Fact]
    public void IntegerEncodedKeyIsReadAsItsDigits()
    {
        // 0xC1: an integer in 16 bits, little-endian 12345.
        var rdb = new RdbBuilder().Byte(RdbFormat.String).Raw(0xc1, 0x39, 0x30).String("v").End();
        var key = Assert.IsType<RdbKey>(RdbBuilder.ReadAll(rdb)[0]);
        Assert.Equal("12345", Encoding.ASCII.GetString(key.Key));
    }

    [Fact]
    public void ChecksumMismatchIsAnError()
    {
        var rdb = new RdbBuilder().StringKey("k", "hello").End();
        rdb[13] ^= 0x20; // the value's first byte
        var error = Assert.Throws<RdbFormatException>(() => RdbBuilder.ReadAll(rdb));
        Assert.Contains("checksum mismatch", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ZeroChecksumMeansTheSourceDidNotComputeOne() =>
        Assert.Equal(new RdbEnd(0), RdbBuilder.ReadAll(new RdbBuilder().StringKey("k", "v").End(checksum: 0))[^1]);

    [Fact]
    public void TruncatedSnapshotEndsInEndOfStream()
    {
        var rdb = new RdbBuilder().StringKey("k", "hello").End();
        Assert.Throws<EndOfStreamException>(() => RdbBuilder.ReadAll(rdb[..^12]));
    }

    [Fact]
    public void ModuleValueNamesKeyOffsetAndModule()
    {
        // Module type ID: the name "mymodtype" in 6-bit characters above a 10-bit version.
        const string charset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        ulong id = 0;
        foreach (var c in "mymodtype") id = (id << 6) | (uint)charset.IndexOf(c, StringComparison.Ordinal);
        id = (id << 10) | 1;
        var idBytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(idBytes, id);
        var builder = new RdbBuilder().SelectDb(2);
        var offset = builder.Length;
        var rdb = builder.Byte(RdbFormat.Module2).String("mkey").Byte(0x81).Raw(idBytes).End();
        var error = Assert.Throws<RdbFormatException>(() => RdbBuilder.ReadAll(rdb));
        Assert.Equal($"key 'mkey' (db 2) at byte {offset} holds a module value (module type 'mymodtype'): it can only be moved by the module itself", error.Message);
    }

    [Fact]
    public void UnknownOpcodeNamesKeyAndOffset()
    {
        var builder = new RdbBuilder();
        var offset = builder.Length;
        var rdb = builder.Byte(99).String("odd").String("v").End();
        var error = Assert.Throws<RdbFormatException>(() => RdbBuilder.ReadAll(rdb));
        Assert.Equal($"key 'odd' (db 0) at byte {offset}: unknown value type or opcode 99", error.Message);
    }

    [Fact]
    public void NotAnRdbFile() =>
        Assert.Contains("REDISnnnn", Assert.Throws<RdbFormatException>(() => RdbBuilder.ReadAll("HELLO0010\u00ff"u8.ToArray())).Message, StringComparison.Ordinal);
}
