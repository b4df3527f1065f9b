using System.Buffers;
using System.Text;
using Vigil.Resp.Tests.Support;

namespace Vigil.Resp.Tests;

public sealed class RespReaderTests
{
    [Fact]
    public void Resp2NullBulkIsANullThatWritesBackAsNullBulk()
    {
        var value = Assert.IsType<RespNull>(Wire.ReadOne(Wire.Bytes("$-1\r\n")));
        Assert.False(value.IsNullArray);
    }

    [Fact]
    public void Resp2NullArrayIsANullMarkedAsArray()
    {
        var value = Assert.IsType<RespNull>(Wire.ReadOne(Wire.Bytes("*-1\r\n")));
        Assert.True(value.IsNullArray);
        Assert.Equal("*-1\r\n", Encoding.Latin1.GetString(Wire.Write(value, RespProtocol.Resp2)));
    }

    [Fact]
    public void Resp3NullIsRead() => Assert.Equal(new RespNull(), Wire.ReadOne(Wire.Bytes("_\r\n")));

    [Fact]
    public void BlobErrorIsReadAsAnError()
        => Assert.Equal(new RespError("SYNTAX invalid syntax"), Wire.ReadOne(Wire.Bytes("!21\r\nSYNTAX invalid syntax\r\n")));

    [Fact]
    public void SimpleErrorExcludesTheDash()
        => Assert.Equal(new RespError("ERR unknown command"), Wire.ReadOne(Wire.Bytes("-ERR unknown command\r\n")));

    [Fact]
    public void AttributeFromTheSpecificationAnnotatesTheFollowingValue()
    {
        var bytes = Wire.Bytes(
            "|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n*2\r\n:2039123\r\n:9543892\r\n");
        var value = Assert.IsType<RespAttributed>(Wire.ReadOne(bytes));
        var popularity = Assert.Single(value.Attributes.Entries);
        Assert.Equal(new RespSimpleString("key-popularity"), popularity.Key);
        Assert.Equal(
            new RespMap([new(RespValue.Bulk("a"), new RespDouble(0.1923)), new(RespValue.Bulk("b"), new RespDouble(0.0012))]),
            popularity.Value);
        Assert.Equal(RespValue.Array(RespValue.Integer(2039123), RespValue.Integer(9543892)), value.Value);
    }

    [Fact]
    public void VerbatimStringSplitsFormatFromText()
        => Assert.Equal(new RespVerbatimString("txt", "Some string"), Wire.ReadOne(Wire.Bytes("=15\r\ntxt:Some string\r\n")));

    [Theory]
    [InlineData(",1.23\r\n", 1.23)]
    [InlineData(",10\r\n", 10.0)]
    [InlineData(",-0\r\n", -0.0)]
    [InlineData(",1e+20\r\n", 1e20)]
    [InlineData(",1.0000000000000001e-05\r\n", 1e-5)]
    [InlineData(",inf\r\n", double.PositiveInfinity)]
    [InlineData(",-inf\r\n", double.NegativeInfinity)]
    [InlineData(",INF\r\n", double.PositiveInfinity)]
    [InlineData(",nan\r\n", double.NaN)]
    [InlineData(",-nan\r\n", double.NaN)]
    public void DoublesAreRead(string wire, double expected)
        => Assert.Equal(new RespDouble(expected), Wire.ReadOne(Wire.Bytes(wire)));

    [Theory]
    [InlineData("#t\r\n", true)]
    [InlineData("#f\r\n", false)]
    [InlineData("#T\r\n", true)]
    public void BooleansAreRead(string wire, bool expected)
        => Assert.Equal(new RespBoolean(expected), Wire.ReadOne(Wire.Bytes(wire)));

    [Fact]
    public void BigNumberKeepsItsDigits()
        => Assert.Equal(
            new RespBigNumber("3492890328409238509324850943850943825024385"),
            Wire.ReadOne(Wire.Bytes("(3492890328409238509324850943850943825024385\r\n")));

    [Fact]
    public void Resp2ReplyFromRedisIsRead()
    {
        var value = Wire.ReadOne(Wire.Bytes("*2\r\n$9\r\n127.0.0.1\r\n$4\r\n6379\r\n"));
        Assert.Equal(RespValue.Array(RespValue.Bulk("127.0.0.1"), RespValue.Bulk("6379")), value);
    }

    [Fact]
    public void PushMessageIsRead()
    {
        var value = Wire.ReadOne(Wire.Bytes(">3\r\n$7\r\nmessage\r\n$18\r\n__sentinel__:hello\r\n$3\r\nabc\r\n"));
        Assert.Equal(new RespPush([RespValue.Bulk("message"), RespValue.Bulk("__sentinel__:hello"), RespValue.Bulk("abc")]), value);
    }

    [Theory]
    [InlineData("?x\r\n", "Protocol error, got \"?\" as reply type byte")]
    [InlineData("\0", "Protocol error, got \"\\x00\" as reply type byte")]
    [InlineData("\r\n", "Protocol error, got \"\\r\" as reply type byte")]
    [InlineData("\"", "Protocol error, got \"\\\"\" as reply type byte")]
    [InlineData(":12a\r\n", "Bad integer value")]
    [InlineData(":+1\r\n", "Bad integer value")]
    [InlineData(":01\r\n", "Bad integer value")]
    [InlineData(":\r\n", "Bad integer value")]
    [InlineData(":9223372036854775808\r\n", "Bad integer value")]
    [InlineData("$abc\r\n", "Bad bulk string length")]
    [InlineData("$-2\r\n", "Bulk string length out of range")]
    [InlineData("!-1\r\n", "Bulk string length out of range")]
    [InlineData("=-1\r\n", "Bulk string length out of range")]
    [InlineData("*x\r\n", "Bad multi-bulk length")]
    [InlineData("*-2\r\n", "Multi-bulk length out of range")]
    [InlineData("%-1\r\n", "Multi-bulk length out of range")]
    [InlineData("~-1\r\n", "Multi-bulk length out of range")]
    [InlineData("_x\r\n", "Bad nil value")]
    [InlineData("#x\r\n", "Bad bool value")]
    [InlineData("#\r\n", "Bad bool value")]
    [InlineData(",abc\r\n", "Bad double value")]
    [InlineData(",\r\n", "Bad double value")]
    [InlineData(", 1\r\n", "Bad double value")]
    [InlineData(",1e999\r\n", "Bad double value")]
    [InlineData(",Infinity\r\n", "Bad double value")]
    [InlineData("(12a\r\n", "Bad bignum value")]
    [InlineData("(-\r\n", "Bad bignum value")]
    [InlineData("=3\r\ntxt\r\n", "Verbatim string 4 bytes of content type are missing or incorrectly encoded.")]
    [InlineData("=5\r\ntxt-x\r\n", "Verbatim string 4 bytes of content type are missing or incorrectly encoded.")]
    [InlineData("$3\r\nabcXY", "Protocol error: bulk payload not followed by CRLF")]
    [InlineData("+a\rb\r\n", "Bad simple string value")]
    [InlineData("-a\nb\r\n", "Bad simple string value")]
    [InlineData("*2\r\n:1\r\n?\r\n", "Protocol error, got \"?\" as reply type byte")]
    public void MalformedInputIsAProtocolErrorWithItsReason(string wire, string expected)
        => Assert.Equal(expected, Wire.ReadError(Wire.Bytes(wire)));

    [Fact]
    public void NestingUpToTheDepthLimitIsRead()
    {
        var bytes = Wire.Bytes(string.Concat(Enumerable.Repeat("*1\r\n", 128)) + ":7\r\n");
        RespValue value = Wire.ReadOne(bytes);
        for (var level = 0; level < 128; level++)
        {
            value = Assert.Single(Assert.IsType<RespArray>(value).Items);
        }
        Assert.Equal(RespValue.Integer(7), value);
    }

    [Fact]
    public void NestingBeyondTheDepthLimitIsAProtocolError()
    {
        var bytes = Wire.Bytes(string.Concat(Enumerable.Repeat("*1\r\n", 129)) + ":7\r\n");
        Assert.Equal("Protocol error: nesting deeper than 128 levels", Wire.ReadError(bytes));
    }

    [Fact]
    public void AttributesCountTowardsTheDepthLimit()
    {
        var limits = new RespLimits { MaxDepth = 2 };
        Assert.Equal(new RespArray([new RespAttributed(new RespMap([]), RespValue.Integer(1))]),
            Wire.ReadOne(Wire.Bytes("*1\r\n|0\r\n:1\r\n"), limits));
        Assert.Equal("Protocol error: nesting deeper than 2 levels", Wire.ReadError(Wire.Bytes("*1\r\n|0\r\n*1\r\n:1\r\n"), limits));
    }

    [Fact]
    public void HundredThousandNestedHeadersFailWithoutOverflowingTheStack()
    {
        var bytes = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("*1\r\n", 100_000)));
        var huge = new RespLimits { MaxDepth = 1_000_000 };
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        Assert.Equal(RespReadResult.NeedMoreData, RespReader.TryRead(ref reader, in huge, out _));
        Assert.Equal("Protocol error: nesting deeper than 128 levels", Wire.ReadError(bytes));
    }

    [Fact]
    public void GigabyteBulkHeaderIsRefusedByDefault()
        => Assert.Equal(
            "Protocol error: bulk length 1000000000 exceeds the limit of 536870912 bytes",
            Wire.ReadError(Wire.Bytes("$1000000000\r\n")));

    [Fact]
    public void GigabyteBulkHeaderWithinLimitsAllocatesNothingUntilItsBytesArrive()
    {
        var limits = new RespLimits { MaxBulkBytes = int.MaxValue, MaxFrameBytes = long.MaxValue };
        var bytes = Wire.Bytes("$1000000000\r\n" + new string('x', 4096));
        AssertReadAllocatesLittle(bytes, limits, RespReadResult.NeedMoreData);
    }

    [Fact]
    public void BillionElementArrayHeaderWithinLimitsAllocatesNothingUntilItsElementsArrive()
    {
        var limits = new RespLimits { MaxAggregateLength = int.MaxValue };
        var bytes = Wire.Bytes("*1000000000\r\n%1000000000\r\n:1\r\n:2\r\n");
        AssertReadAllocatesLittle(bytes, limits, RespReadResult.NeedMoreData);
    }

    [Fact]
    public void IncompleteReplyAllocatesNothing()
    {
        var bytes = Wire.Bytes("*3\r\n$5\r\nhello\r\n+OK\r\n");
        AssertReadAllocatesLittle(bytes, RespLimits.Default, RespReadResult.NeedMoreData);
    }

    [Fact]
    public void AggregateLongerThanTheLimitIsRefusedFromItsHeader()
        => Assert.Equal("Multi-bulk length out of range", Wire.ReadError(Wire.Bytes("*1000000000\r\n")));

    [Fact]
    public void MapLengthLimitCountsEntries()
    {
        var limits = new RespLimits { MaxAggregateLength = 1 };
        Assert.IsType<RespMap>(Wire.ReadOne(Wire.Bytes("%1\r\n:1\r\n:2\r\n"), limits));
        Assert.Equal("Multi-bulk length out of range", Wire.ReadError(Wire.Bytes("%2\r\n"), limits));
    }

    [Fact]
    public void LineLongerThanTheLimitIsRefusedEvenBeforeItEnds()
    {
        var limits = new RespLimits { MaxLineBytes = 10 };
        Assert.Equal(new RespSimpleString("0123456789"), Wire.ReadOne(Wire.Bytes("+0123456789\r\n"), limits));
        Assert.Equal("Protocol error: line longer than 10 bytes", Wire.ReadError(Wire.Bytes("+0123456789A\r\n"), limits));
        Assert.Equal("Protocol error: line longer than 10 bytes", Wire.ReadError(Wire.Bytes("+0123456789AB"), limits));
        var (_, last, _, _) = Wire.ReadAll(new ReadOnlySequence<byte>(Wire.Bytes("+0123456789\r")), limits);
        Assert.Equal(RespReadResult.NeedMoreData, last);
    }

    [Fact]
    public void FrameLargerThanTheLimitIsRefusedBeforeItsPayloadArrives()
    {
        var limits = new RespLimits { MaxFrameBytes = 40 };
        Assert.IsType<RespArray>(Wire.ReadOne(Wire.Bytes("*2\r\n$5\r\nhello\r\n$5\r\nworld\r\n"), limits));
        Assert.Equal("Protocol error: reply larger than 40 bytes", Wire.ReadError(Wire.Bytes("*2\r\n$5\r\nhello\r\n$30\r\n"), limits));
    }

    [Fact]
    public void BulkLongerThanTheLimitIsRefused()
    {
        var limits = new RespLimits { MaxBulkBytes = 4 };
        Assert.Equal(RespValue.Bulk("abcd"), Wire.ReadOne(Wire.Bytes("$4\r\nabcd\r\n"), limits));
        Assert.Equal("Protocol error: bulk length 5 exceeds the limit of 4 bytes", Wire.ReadError(Wire.Bytes("$5\r\n"), limits));
        Assert.Equal("Protocol error: bulk length 5 exceeds the limit of 4 bytes", Wire.ReadError(Wire.Bytes("=5\r\n"), limits));
    }

    [Fact]
    public void ReaderStopsExactlyAfterTheFrameAndLeavesTheNextOne()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Wire.Bytes("+OK\r\n:1")));
        Assert.Equal(RespReadResult.Complete, RespReader.TryRead(ref reader, RespLimits.Default, out var value));
        Assert.Equal(RespValue.Ok, value);
        Assert.Equal(5, reader.Consumed);
        Assert.Equal(RespReadResult.NeedMoreData, RespReader.TryRead(ref reader, RespLimits.Default, out value));
        Assert.Null(value);
        Assert.Equal(5, reader.Consumed);
    }

    private static void AssertReadAllocatesLittle(byte[] bytes, RespLimits limits, RespReadResult expected)
    {
        var sequence = new ReadOnlySequence<byte>(bytes);
        var warmUp = new SequenceReader<byte>(sequence);
        RespReader.TryRead(ref warmUp, in limits, out _, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var reader = new SequenceReader<byte>(sequence);
        var result = RespReader.TryRead(ref reader, in limits, out _, out var error);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(result == expected, $"{result} {error}");
        Assert.True(allocated < 1024, $"allocated {allocated} bytes");
    }
}
