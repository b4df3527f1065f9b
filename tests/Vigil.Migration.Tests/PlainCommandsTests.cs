using System.Text;
using Vigil.Migration.Streaming;
using Vigil.Replication.Rdb;

namespace Vigil.Migration.Tests;

/// <summary>
/// What a snapshot key becomes for a target without RESTORE: big values split into bounded commands, the absolute
/// expiry last, and the options of newer servers only for targets that have them. The integration tests run these
/// commands against real servers and compare the result with verify.
/// </summary>
public sealed class PlainCommandsTests
{
    private static readonly PlainCommands Redis70 = new(new Version(7, 0, 15));

    [Fact]
    public void BigListIsSplitIntoChunksThenExpires()
    {
        var items = Enumerable.Range(0, 2500).Select(i => $"item-{i}").ToList();
        var commands = Redis70.For(Key(RdbFormat.List, Strings(items), expireAtMs: 1_900_000_000_000)).ToList();

        Assert.Equal(["RPUSH", "RPUSH", "RPUSH", "PEXPIREAT"], commands.Select(c => Text(c[0])));
        Assert.Equal(PlainCommands.ChunkItems + 2, commands[0].Length);
        Assert.Equal(items, commands.SkipLast(1).SelectMany(c => c.Skip(2)).Select(Text));
        Assert.Equal(["PEXPIREAT", "k", "1900000000000"], commands[^1].Select(Text));
    }

    [Fact]
    public void BigStringIsSetThenAppended()
    {
        var value = new string('v', PlainCommands.ChunkBytes + 10);
        var commands = Redis70.For(Key(RdbFormat.String, Strings([value]).Skip(1).ToArray())).ToList();
        Assert.Equal(["SET", "APPEND"], commands.Select(c => Text(c[0])));
        Assert.Equal(value, string.Concat(commands.Select(c => Text(c[2]))));
    }

    [Fact]
    public void SortedSetScoresKeepEveryDigitAndInfinity()
    {
        var value = new List<byte> { 2 };
        foreach (var (member, score) in new[] { ("a", 0.1 + 0.2), ("b", double.NegativeInfinity) })
        {
            value.AddRange(Strings([member]).Skip(1));
            value.AddRange(BitConverter.GetBytes(score));
        }
        var zadd = Assert.Single(Redis70.For(Key(RdbFormat.Zset2, [.. value])));
        Assert.Equal(["ZADD", "k", "0.30000000000000004", "a", "-inf", "b"], zadd.Select(Text));
    }

    [Fact]
    public void EmptyStreamWithAGroupKeepsItsIdsAndOlderTargetsGetNoNewOptions()
    {
        var stream = new RdbStreamValue([], new StreamId(5, 1), EntriesAdded: 3, MaxDeletedId: new StreamId(5, 1),
            [new StreamGroup("g"u8.ToArray(), new StreamId(4, 0), EntriesRead: 2, [], [new StreamConsumer("c"u8.ToArray(), [])])]);
        var commands = Redis70.For("k"u8.ToArray(), stream, null).Select(c => string.Join(' ', c.Select(Text))).ToList();
        Assert.Equal(
        [
            "XGROUP CREATE k vigil-migrate-empty-stream 0 MKSTREAM", "XGROUP DESTROY k vigil-migrate-empty-stream",
            "XSETID k 5-1 ENTRIESADDED 3 MAXDELETEDID 5-1", "XGROUP CREATE k g 4-0 ENTRIESREAD 2", "XGROUP CREATECONSUMER k g c",
        ], commands);

        var old = new PlainCommands(new Version(6, 0)).For("k"u8.ToArray(), stream, null).Select(c => string.Join(' ', c.Select(Text))).ToList();
        Assert.Contains("XSETID k 5-1", old);
        Assert.Contains("XGROUP CREATE k g 4-0", old);
        Assert.DoesNotContain(old, c => c.Contains("CREATECONSUMER", StringComparison.Ordinal));
    }

    [Fact]
    public void PendingEntriesAreClaimedWithTheirOwnerTimeAndCount()
    {
        var id = new StreamId(7, 0);
        var stream = new RdbStreamValue([new StreamEntry(id, ["f"u8.ToArray(), "v"u8.ToArray()])], id, 1, StreamId.Zero,
            [new StreamGroup("g"u8.ToArray(), id, 1, new() { [id] = new StreamPending(1_700_000_000_000, 3) }, [new StreamConsumer("alice"u8.ToArray(), [id])])]);
        var commands = Redis70.For("k"u8.ToArray(), stream, null).Select(c => string.Join(' ', c.Select(Text))).ToList();
        Assert.Equal("XADD k 7-0 f v", commands[0]);
        Assert.Equal("XSETID k 7-0 ENTRIESADDED 1", commands[1]);
        Assert.Equal("XCLAIM k g alice 0 7-0 TIME 1700000000000 RETRYCOUNT 3 FORCE JUSTID", commands[^1]);
    }

    private static RdbKey Key(byte type, byte[] value, long? expireAtMs = null) =>
        new(0, "k"u8.ToArray(), type, expireAtMs, (byte[])[type, .. value, .. new byte[10]]);

    /// <summary>A count (as an RDB length) followed by each string with its length.</summary>
    private static byte[] Strings(IReadOnlyList<string> items)
    {
        var bytes = new List<byte>();
        Length(bytes, items.Count);
        foreach (var item in items)
        {
            Length(bytes, Encoding.UTF8.GetByteCount(item));
            bytes.AddRange(Encoding.UTF8.GetBytes(item));
        }
        return [.. bytes];
    }

    private static void Length(List<byte> bytes, int length)
    {
        if (length < 64) bytes.Add((byte)length);
        else if (length < 16384) bytes.AddRange([(byte)(0x40 | (length >> 8)), (byte)length]);
        else bytes.AddRange([0x80, (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length]);
    }

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
