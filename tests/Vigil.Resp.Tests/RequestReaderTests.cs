using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Vigil.Resp.Tests.Support;

namespace Vigil.Resp.Tests;

public sealed class RequestReaderTests
{
    private static readonly RequestLimits Unauthenticated = new() { RequiresAuth = true };

    [Fact]
    public void MultibulkCommandIsReadAsItsArguments()
    {
        var feed = RequestFeed.Whole(Wire.Bytes("*3\r\n$8\r\nSENTINEL\r\n$7\r\nmasters\r\n$0\r\n\r\n"));
        var (args, inline) = Assert.Single(feed.Commands);
        Assert.Equal(["SENTINEL", "masters", ""], args);
        Assert.False(inline);
        Assert.Equal(RespReadResult.NeedMoreData, feed.Last);
        Assert.Equal(0, feed.BufferedBytes);
    }

    [Fact]
    public void PipelinedCommandsAreReadInOrder()
    {
        var feed = RequestFeed.Whole(Wire.Bytes("*1\r\n$4\r\nPING\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n"));
        Assert.Equal(
            [(["PING"], false), (["PING"], true), (["ECHO", "hi"], false)],
            feed.Commands.Select(c => (c.Args, c.Inline)));
    }

    [Fact]
    public void EmptyLinesAndEmptyMultibulksAreSkipped()
    {
        var feed = RequestFeed.Whole(Wire.Bytes("\r\n\n   \r\n*0\r\n*-1\r\n*-5\r\nPING\r\n"));
        Assert.Equal(["PING"], Assert.Single(feed.Commands).Args);
        Assert.Equal(0, feed.BufferedBytes);
    }

    [Theory]
    [InlineData("set \"a b\" 'c\\'d' \"\\x41\"", new[] { "set", "a b", "c'd", "A" })]
    [InlineData("PING", new[] { "PING" })]
    [InlineData("  ping   a\tb  ", new[] { "ping", "a", "b" })]
    [InlineData("echo \"\\n\\r\\t\\b\\a\\\\\\\"\\q\"", new[] { "echo", "\n\r\t\b\a\\\"q" })]
    [InlineData("echo \"\\x4\" \"\\xZZ\" \"\\x7e\\xFF\"", new[] { "echo", "x4", "xZZ", "~\u00ff" })]
    [InlineData("echo 'a\\\\b' 'x\\\"y'", new[] { "echo", "a\\\\b", "x\\\"y" })]
    [InlineData("echo a\"b c\"", new[] { "echo", "ab c" })]
    [InlineData("echo '' \"\"", new[] { "echo", "", "" })]
    [InlineData("echo a\vb \fc", new[] { "echo", "a\vb", "c" })]
    [InlineData("echo \"x\"\v'y'\f", new[] { "echo", "x", "y" })]
    [InlineData("echo a\rb", new[] { "echo", "a", "b" })]
    public void InlineArgumentsAreSplitLikeSdssplitargs(string line, string[] expected)
    {
        foreach (var ending in new[] { "\r\n", "\n" })
        {
            var feed = RequestFeed.Whole(Wire.Bytes(line + ending));
            var (args, inline) = Assert.Single(feed.Commands);
            Assert.Equal(expected, args);
            Assert.True(inline);
        }
    }

    [Theory]
    [InlineData("echo \"a\"b")]
    [InlineData("echo 'a'b")]
    [InlineData("echo \"abc")]
    [InlineData("echo 'abc")]
    [InlineData("echo \"abc\\\"")]
    [InlineData("echo \"abc\\")]
    [InlineData("echo 'it\\'s")]
    public void UnbalancedQuotesAreAProtocolError(string line)
        => AssertProtocolError(line + "\r\n", "ERR Protocol error: unbalanced quotes in request");

    [Fact]
    public void NulByteHidesTheInlineLineEndLikeRedis()
    {
        var feed = RequestFeed.Whole(Wire.Bytes("PING\0\r\nPING\r\n"));
        Assert.Empty(feed.Commands);
        Assert.Equal(RespReadResult.NeedMoreData, feed.Last);

        var stuck = Wire.Bytes("PING\0\r\n" + new string('x', 65_530));
        AssertProtocolError(stuck, "ERR Protocol error: too big inline request");
    }

    [Fact]
    public void InlineRequestWithoutNewlineIsTooBigPast64KB()
    {
        var feed = RequestFeed.Whole(Wire.Bytes(new string('x', 65_536)));
        Assert.Equal(RespReadResult.NeedMoreData, feed.Last);
        AssertProtocolError(new string('x', 65_537), "ERR Protocol error: too big inline request");
    }

    [Fact]
    public void MultibulkCountLineWithoutCarriageReturnIsTooBigPast64KB()
    {
        Assert.Equal(RespReadResult.NeedMoreData, RequestFeed.Whole(Wire.Bytes("*" + new string('1', 65_535))).Last);
        AssertProtocolError("*" + new string('1', 65_536), "ERR Protocol error: too big mbulk count string");
    }

    [Fact]
    public void BulkCountLineWithoutCarriageReturnIsTooBigPast64KB()
    {
        Assert.Equal(RespReadResult.NeedMoreData, RequestFeed.Whole(Wire.Bytes("*1\r\n$" + new string('1', 65_535))).Last);
        AssertProtocolError("*1\r\n$" + new string('1', 65_536), "ERR Protocol error: too big bulk count string");
    }

    [Theory]
    [InlineData("*abc\r\n")]
    [InlineData("*\r\n")]
    [InlineData("*+1\r\n")]
    [InlineData("*01\r\n")]
    [InlineData("* 1\r\n")]
    [InlineData("*2147483648\r\n")]
    [InlineData("*99999999999999999999\r\n")]
    [InlineData("*1\n$4\r\nPING\r\n")]
    public void BadMultibulkCountIsAnInvalidMultibulkLength(string wire)
        => AssertProtocolError(wire, "ERR Protocol error: invalid multibulk length");

    [Fact]
    public void CountUpToIntMaxIsAcceptedAndAllocatesLittle()
    {
        var bytes = Wire.Bytes("*2147483647\r\n$4\r\nPING\r\n");
        var before = GC.GetAllocatedBytesForCurrentThread();
        var feed = RequestFeed.Whole(bytes);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(RespReadResult.NeedMoreData, feed.Last);
        Assert.Empty(feed.Commands);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void ClientThatMustAuthenticateMaySendAtMostTenArguments()
    {
        Assert.Equal(RespReadResult.NeedMoreData, RequestFeed.Whole(Wire.Bytes("*10\r\n"), Unauthenticated).Last);
        AssertProtocolError("*11\r\n", "ERR Protocol error: unauthenticated multibulk length", Unauthenticated);
        Assert.Equal(RespReadResult.NeedMoreData, RequestFeed.Whole(Wire.Bytes("*11\r\n")).Last);
    }

    [Fact]
    public void ClientThatMustAuthenticateMaySendArgumentsOfAtMost16384Bytes()
    {
        Assert.Equal(RespReadResult.NeedMoreData, RequestFeed.Whole(Wire.Bytes("*1\r\n$16384\r\n"), Unauthenticated).Last);
        AssertProtocolError("*1\r\n$16385\r\n", "ERR Protocol error: unauthenticated bulk length", Unauthenticated);
    }

    [Fact]
    public void LimitsCanBeLiftedAfterAuthOnTheSameReader()
    {
        var reader = new RequestReader(Unauthenticated);
        var feed = new RequestFeed(reader);
        feed.Push(Wire.Bytes("*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n"));
        Assert.Equal(["AUTH", "pw"], Assert.Single(feed.Commands).Args);
        reader.Limits = reader.Limits with { RequiresAuth = false };
        feed.Push(Wire.Bytes("*11\r\n" + string.Concat(Enumerable.Repeat("$1\r\nx\r\n", 11))));
        Assert.Equal(2, feed.Commands.Count);
        Assert.Equal(11, feed.Commands[1].Args.Length);
    }

    [Theory]
    [InlineData("*1\r\nx4\r\n", "x")]
    [InlineData("*1\r\n\r\n", " ")]
    [InlineData("*1\r\n\n\r\n", " ")]
    [InlineData("*2\r\n$1\r\na\r\n:1\r\n", ":")]
    public void ArgumentThatIsNotABulkIsRejectedNamingItsFirstByte(string wire, string shown)
        => AssertProtocolError(wire, $"ERR Protocol error: expected '$', got '{shown}'");

    [Fact]
    public void NonAsciiFirstByteIsNamedAsItself()
        => AssertProtocolError(Wire.Bytes("*1\r\n\u00ff\r\n"), "ERR Protocol error: expected '$', got '\u00ff'");

    [Theory]
    [InlineData("*1\r\n$-1\r\n")]
    [InlineData("*1\r\n$abc\r\n")]
    [InlineData("*1\r\n$04\r\n")]
    [InlineData("*1\r\n$+4\r\n")]
    [InlineData("*1\r\n$\r\n")]
    [InlineData("*1\r\n$536870913\r\n")]
    [InlineData("*1\r\n$1000000000\r\n")]
    public void BadBulkLengthIsAnInvalidBulkLength(string wire)
        => AssertProtocolError(wire, "ERR Protocol error: invalid bulk length");

    [Fact]
    public void BulkOfExactlyProtoMaxBulkLenIsAccepted()
        => Assert.Equal(RespReadResult.NeedMoreData, RequestFeed.Whole(Wire.Bytes("*1\r\n$536870912\r\n")).Last);

    [Fact]
    public void ProtoMaxBulkLenCanChangeAtRunTime()
    {
        var reader = new RequestReader(new RequestLimits { MaxBulkBytes = 4 });
        var feed = new RequestFeed(reader);
        feed.Push(Wire.Bytes("*1\r\n$4\r\nPING\r\n"));
        Assert.Single(feed.Commands);
        reader.Limits = new RequestLimits { MaxBulkBytes = 3 };
        feed.Push(Wire.Bytes("*1\r\n$4\r\nPING\r\n"));
        Assert.Equal(RespReadResult.ProtocolError, feed.Last);
        Assert.Equal("ERR Protocol error: invalid bulk length", feed.Error);
    }

    [Fact]
    public void GigabyteBulkHeaderAllocatesLittleWhileItsBytesTrickleIn()
    {
        var limits = new RequestLimits { MaxBulkBytes = 2L * 1024 * 1024 * 1024 };
        var reader = new RequestReader(limits);
        var feed = new RequestFeed(reader);
        feed.Push(Wire.Bytes("*2\r\n$3\r\nSET\r\n")); // warm up the code paths
        var before = GC.GetAllocatedBytesForCurrentThread();
        var header = new RequestReader(limits);
        var sequence = new ReadOnlySequence<byte>(Wire.Bytes("*1\r\n$1000000000\r\n" + new string('x', 100)));
        var sequenceReader = new SequenceReader<byte>(sequence);
        var result = header.TryRead(ref sequenceReader, out _, out var error);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(result == RespReadResult.NeedMoreData, $"{result} {error}");
        Assert.True(header.HasPartialRequest);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void BytesAfterTheHeaderCarriageReturnAndAfterAnArgumentAreNotCheckedLikeRedis()
    {
        var feed = RequestFeed.Whole(Wire.Bytes("*1\r\r$4\r\nPINGxx*1\r\n$4\rXPING\r\n"));
        Assert.Equal([["PING"], ["PING"]], feed.Commands.Select(c => c.Args));
    }

    [Fact]
    public void CommandsBeforeAProtocolErrorAreReturnedAndTheErrorSticks()
    {
        var reader = new RequestReader();
        var sequenceReader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Wire.Bytes("PING\r\n*x\r\n*1\r\n$4\r\nPING\r\n")));
        Assert.Equal(RespReadResult.Complete, reader.TryRead(ref sequenceReader, out var command, out _));
        Assert.Equal("PING"u8.ToArray(), Assert.Single(command.Args));
        for (var attempt = 0; attempt < 2; attempt++)
        {
            Assert.Equal(RespReadResult.ProtocolError, reader.TryRead(ref sequenceReader, out _, out var error));
            Assert.Equal("ERR Protocol error: invalid multibulk length", error);
        }
        reader.Reset();
        sequenceReader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Wire.Bytes("PING\r\n")));
        Assert.Equal(RespReadResult.Complete, reader.TryRead(ref sequenceReader, out _, out _));
    }

    [Fact]
    public void PartialArgumentsAreConsumedAndKeptUntilTheRequestCompletes()
    {
        var reader = new RequestReader();
        var feed = new RequestFeed(reader);
        feed.Push(Wire.Bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nva"));
        Assert.Empty(feed.Commands);
        Assert.True(reader.HasPartialRequest);
        Assert.Equal(2, feed.BufferedBytes); // only the unfinished argument's bytes stay buffered; its header is stored
        feed.Push(Wire.Bytes("lue\r\n"));
        Assert.Equal(["SET", "k", "value"], Assert.Single(feed.Commands).Args);
        Assert.False(reader.HasPartialRequest);
        Assert.Equal(0, feed.BufferedBytes);
    }

    [Fact]
    public void StreamGivesTheSameCommandsHoweverItIsSplit()
    {
        var bytes = Wire.Bytes(
            "*1\r\n$4\r\nPING\r\nset \"a b\" 'c\\'d' \"\\x41\"\r\n\r\n*0\r\n*3\r\n$3\r\nSET\r\n$3\r\nk\r\n\r\n$0\r\n\r\n" +
            "INFO replication\n*2\r\n$9\r\nSUBSCRIBE\r\n$18\r\n__sentinel__:hello\r\n");
        var expected = RequestFeed.Whole(bytes).Commands;
        Assert.Equal(5, expected.Count);
        var random = new Random(5);
        var shapes = new List<IEnumerable<int>> { Enumerable.Repeat(1, bytes.Length) };
        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            shapes.Add([cut, bytes.Length]);
        }
        for (var i = 0; i < 200; i++)
        {
            shapes.Add(Enumerable.Range(0, bytes.Length).Select(_ => random.Next(0, 12)).ToList());
        }
        foreach (var shape in shapes)
        {
            var feed = RequestFeed.Run(bytes, shape);
            Assert.Equal(expected.Select(c => (c.Args, c.Inline)), feed.Commands.Select(c => (c.Args, c.Inline)));
            Assert.Equal(RespReadResult.NeedMoreData, feed.Last);
            Assert.Equal(0, feed.BufferedBytes);
        }
    }

    [Fact]
    public void BigArgumentDrainsAPipeWithDefaultBackPressure()
    {
        var payload = new byte[1_000_000];
        new Random(3).NextBytes(payload);
        var pipe = new Pipe(); // pauses the writer at 64 KB unread: the reader must consume as data arrives
        var frame = new ArrayBufferWriter<byte>();
        RespWriter.WriteCommand(frame, new List<byte[]> { "SET"u8.ToArray(), "k"u8.ToArray(), payload });
        var bytes = frame.WrittenMemory;
        var reader = new RequestReader();
        RespCommand? received = null;
        for (var position = 0; position < bytes.Length; position += 8192)
        {
            var chunk = bytes.Slice(position, Math.Min(8192, bytes.Length - position));
            var flush = pipe.Writer.WriteAsync(chunk);
            Assert.True(flush.IsCompleted, $"writer blocked at {position} bytes");
            Assert.True(pipe.Reader.TryRead(out var read));
            var sequenceReader = new SequenceReader<byte>(read.Buffer);
            var result = reader.TryRead(ref sequenceReader, out var command, out var error);
            Assert.NotEqual(RespReadResult.ProtocolError, result);
            if (result == RespReadResult.Complete)
            {
                received = command;
            }
            pipe.Reader.AdvanceTo(sequenceReader.Position, read.Buffer.End);
        }
        Assert.NotNull(received);
        Assert.Equal(3, received.Value.Args.Count);
        Assert.Equal(payload, received.Value.Args[2]);
    }

    [Fact]
    public void BigArgumentGrowsWithTheBytesReceivedNotWithTheLengthAnnounced()
    {
        var reader = new RequestReader(new RequestLimits { MaxBulkBytes = 2L * 1024 * 1024 * 1024 });
        var feed = new RequestFeed(reader);
        feed.Push(Wire.Bytes("*1\r\n$1000000000\r\n"));
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++)
        {
            feed.Push(new byte[10_000]);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, feed.BufferedBytes);
        Assert.True(allocated < 2_000_000, $"allocated {allocated} bytes for 100000 received");
    }

    [Fact]
    public void RandomRequestStreamsGiveTheSameResultWholeAndInChunks()
    {
        var random = new Random(2024);
        for (var i = 0; i < 1000; i++)
        {
            var bytes = RandomStream(random);
            var limits = random.Next(3) == 0 ? Unauthenticated : RequestLimits.Default;
            var whole = RequestFeed.Whole(bytes, limits);
            var maxChunk = bytes.Length < 1000 ? 9 : 2048;
            var chunks = Enumerable.Range(0, bytes.Length).Select(_ => random.Next(1, maxChunk)).ToList();
            var chunked = RequestFeed.Run(bytes, chunks, limits);
            Assert.Equal(whole.Commands.Select(c => (c.Args, c.Inline)), chunked.Commands.Select(c => (c.Args, c.Inline)));
            Assert.Equal(whole.Last, chunked.Last);
            Assert.Equal(whole.Error, chunked.Error);
        }
    }

    [Fact]
    public void RandomGarbageNeverThrows()
    {
        var random = new Random(31337);
        var alphabet = Wire.Bytes("*$\r\n0123456789-+ \"'\\xab\t\v\0");
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 40)];
            for (var j = 0; j < bytes.Length; j++)
            {
                bytes[j] = random.Next(6) == 0 ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
            }
            var whole = RequestFeed.Whole(bytes);
            var oneByte = RequestFeed.Run(bytes, Enumerable.Repeat(1, bytes.Length));
            Assert.Equal(whole.Commands.Select(c => (c.Args, c.Inline)), oneByte.Commands.Select(c => (c.Args, c.Inline)));
            Assert.Equal(whole.Last, oneByte.Last);
            Assert.Equal(whole.Error, oneByte.Error);
            Assert.True(whole.Last != RespReadResult.ProtocolError || whole.Error!.StartsWith("ERR Protocol error: ", StringComparison.Ordinal));
        }
    }

    private static byte[] RandomStream(Random random)
    {
        var output = new ArrayBufferWriter<byte>();
        var parts = random.Next(1, 5);
        for (var p = 0; p < parts; p++)
        {
            switch (random.Next(4))
            {
                case 0:
                case 1:
                    var args = Enumerable.Range(0, random.Next(1, 13)).Select(_ => RandomBytes(random)).ToList();
                    RespWriter.WriteCommand(output, args);
                    break;
                case 2:
                    output.Write(Wire.Bytes(random.Next(4) switch
                    {
                        0 => "PING\r\n",
                        1 => "set \"a b\" 'c\\'d' \"\\x41\"\n",
                        2 => "\r\n",
                        _ => "echo \"x\"y\r\n",
                    }));
                    break;
                default:
                    var garbage = new byte[random.Next(1, 6)];
                    random.NextBytes(garbage);
                    output.Write(garbage);
                    break;
            }
        }
        return output.WrittenSpan.ToArray();
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(4) == 0 ? random.Next(16_000, 17_000) : random.Next(0, 20)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static void AssertProtocolError(string wire, string expected, RequestLimits? limits = null)
        => AssertProtocolError(Wire.Bytes(wire), expected, limits);

    private static void AssertProtocolError(byte[] wire, string expected, RequestLimits? limits = null)
    {
        foreach (var feed in new[] { RequestFeed.Whole(wire, limits), RequestFeed.Run(wire, Enumerable.Repeat(1, Math.Min(wire.Length, 300)), limits) })
        {
            Assert.Empty(feed.Commands);
            Assert.Equal(RespReadResult.ProtocolError, feed.Last);
            Assert.Equal(expected, feed.Error);
        }
    }
}
