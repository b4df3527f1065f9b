using System.Buffers;
using System.Text;
using Vigil.Resp.Tests.Support;

namespace Vigil.Resp.Tests;

public sealed class RespWriterTests
{
    private static readonly RespMap SampleMap = new([
        new(RespValue.Bulk("name"), RespValue.Bulk("mymaster")),
        new(RespValue.Bulk("flags"), new RespSet([RespValue.Bulk("master")])),
    ]);

    public static TheoryData<string, RespValue, string, string> Spellings() => new()
    {
        { "simple string", RespValue.Ok, "+OK\r\n", "+OK\r\n" },
        { "error", RespValue.Error("ERR no"), "-ERR no\r\n", "-ERR no\r\n" },
        { "integer", RespValue.Integer(-12), ":-12\r\n", ":-12\r\n" },
        { "bulk", RespValue.Bulk("é"), "$2\r\n\u00c3\u00a9\r\n", "$2\r\n\u00c3\u00a9\r\n" },
        { "null", new RespNull(), "$-1\r\n", "_\r\n" },
        { "null array", new RespNull { IsNullArray = true }, "*-1\r\n", "_\r\n" },
        { "map", SampleMap, "*4\r\n$4\r\nname\r\n$8\r\nmymaster\r\n$5\r\nflags\r\n*1\r\n$6\r\nmaster\r\n", "%2\r\n$4\r\nname\r\n$8\r\nmymaster\r\n$5\r\nflags\r\n~1\r\n$6\r\nmaster\r\n" },
        { "set", new RespSet([RespValue.Integer(1)]), "*1\r\n:1\r\n", "~1\r\n:1\r\n" },
        { "push", new RespPush([RespValue.Bulk("message")]), "*1\r\n$7\r\nmessage\r\n", ">1\r\n$7\r\nmessage\r\n" },
        { "double", new RespDouble(0.1), "$19\r\n0.10000000000000001\r\n", ",0.10000000000000001\r\n" },
        { "infinity", new RespDouble(double.PositiveInfinity), "$3\r\ninf\r\n", ",inf\r\n" },
        { "negative infinity", new RespDouble(double.NegativeInfinity), "$4\r\n-inf\r\n", ",-inf\r\n" },
        { "nan", new RespDouble(double.NaN), "$3\r\nnan\r\n", ",nan\r\n" },
        { "true", new RespBoolean(true), ":1\r\n", "#t\r\n" },
        { "false", new RespBoolean(false), ":0\r\n", "#f\r\n" },
        { "big number", new RespBigNumber("-123456789012345678901234567890"), "$31\r\n-123456789012345678901234567890\r\n", "(-123456789012345678901234567890\r\n" },
        { "verbatim", new RespVerbatimString("txt", "hi"), "$2\r\nhi\r\n", "=6\r\ntxt:hi\r\n" },
        { "attributed", new RespAttributed(new RespMap([new(RespValue.Bulk("a"), RespValue.Integer(1))]), RespValue.Integer(2)), ":2\r\n", "|1\r\n$1\r\na\r\n:1\r\n:2\r\n" },
    };

    [Theory]
    [MemberData(nameof(Spellings))]
    public void EachTypeIsSpelledAsRedisSpellsItInBothProtocols(string name, RespValue value, string resp2, string resp3)
    {
        Assert.True(resp2 == Encoding.Latin1.GetString(Wire.Write(value, RespProtocol.Resp2)), $"{name} RESP2");
        Assert.True(resp3 == Encoding.Latin1.GetString(Wire.Write(value, RespProtocol.Resp3)), $"{name} RESP3");
    }

    [Fact]
    public void Resp2MapIsAFlatArrayOfKeysAndValues()
    {
        var text = Encoding.Latin1.GetString(Wire.Write(SampleMap, RespProtocol.Resp2));
        Assert.Equal("*4\r\n$4\r\nname\r\n$8\r\nmymaster\r\n$5\r\nflags\r\n*1\r\n$6\r\nmaster\r\n", text);
    }

    [Fact]
    public void Resp2DropsAttributesAtEveryLevel()
    {
        var value = RespValue.Array(new RespAttributed(new RespMap([new(RespValue.Bulk("x"), RespValue.Bulk("y"))]), RespValue.Integer(5)));
        Assert.Equal("*1\r\n:5\r\n", Encoding.Latin1.GetString(Wire.Write(value, RespProtocol.Resp2)));
    }

    [Fact]
    public void LineBreaksInStatusAndErrorLinesBecomeSpaces()
    {
        Assert.Equal("+a  b\r\n", Wire.Text(o => RespWriter.WriteSimpleString(o, "a\r\nb")));
        Assert.Equal("-ERR a b\r\n", Wire.Text(o => RespWriter.WriteError(o, "ERR a\nb")));
        Assert.Equal("-ERR a b\r\n", Encoding.Latin1.GetString(Wire.Write(RespValue.Error("ERR a\nb"), RespProtocol.Resp2)));
    }

    [Fact]
    public void Resp3ErrorWithALineBreakIsWrittenAsABlobError()
        => Assert.Equal("!7\r\nERR a\nb\r\n", Encoding.Latin1.GetString(Wire.Write(RespValue.Error("ERR a\nb"), RespProtocol.Resp3)));

    [Fact]
    public void VerbatimFormatIsPaddedOrCutToThreeBytes()
    {
        Assert.Equal("=6\r\nx  :hi\r\n", Encoding.Latin1.GetString(Wire.Write(new RespVerbatimString("x", "hi"), RespProtocol.Resp3)));
        Assert.Equal("=6\r\nmar:hi\r\n", Encoding.Latin1.GetString(Wire.Write(new RespVerbatimString("markdown", "hi"), RespProtocol.Resp3)));
    }

    [Fact]
    public void DirectHelpersWriteTheExpectedBytes()
    {
        Assert.Equal("+PONG\r\n", Wire.Text(o => RespWriter.WriteSimpleString(o, "PONG"u8)));
        Assert.Equal(":9223372036854775807\r\n", Wire.Text(o => RespWriter.WriteInteger(o, long.MaxValue)));
        Assert.Equal(":-9223372036854775808\r\n", Wire.Text(o => RespWriter.WriteInteger(o, long.MinValue)));
        Assert.Equal("$3\r\n\0\r\n\r\n", Wire.Text(o => RespWriter.WriteBulk(o, new byte[] { 0, 13, 10 })));
        Assert.Equal("$0\r\n\r\n", Wire.Text(o => RespWriter.WriteBulk(o, "")));
        Assert.Equal("*3\r\n", Wire.Text(o => RespWriter.WriteArrayHeader(o, 3)));
        Assert.Equal("*6\r\n", Wire.Text(o => RespWriter.WriteMapHeader(o, 3, RespProtocol.Resp2)));
        Assert.Equal("%3\r\n", Wire.Text(o => RespWriter.WriteMapHeader(o, 3, RespProtocol.Resp3)));
        Assert.Equal("*2\r\n", Wire.Text(o => RespWriter.WriteSetHeader(o, 2, RespProtocol.Resp2)));
        Assert.Equal("~2\r\n", Wire.Text(o => RespWriter.WriteSetHeader(o, 2, RespProtocol.Resp3)));
        Assert.Equal(">2\r\n", Wire.Text(o => RespWriter.WritePushHeader(o, 2, RespProtocol.Resp3)));
        Assert.Equal("$-1\r\n", Wire.Text(o => RespWriter.WriteNull(o, RespProtocol.Resp2)));
        Assert.Equal("*-1\r\n", Wire.Text(o => RespWriter.WriteNull(o, RespProtocol.Resp2, isNullArray: true)));
        Assert.Equal("_\r\n", Wire.Text(o => RespWriter.WriteNull(o, RespProtocol.Resp3, isNullArray: true)));
        Assert.Equal("#t\r\n", Wire.Text(o => RespWriter.WriteBoolean(o, true, RespProtocol.Resp3)));
        Assert.Equal(",1e+20\r\n", Wire.Text(o => RespWriter.WriteDouble(o, 1e20, RespProtocol.Resp3)));
        Assert.Equal("$5\r\n1e+20\r\n", Wire.Text(o => RespWriter.WriteDouble(o, 1e20, RespProtocol.Resp2)));
    }

    [Fact]
    public void CommandsAreArraysOfBulkStrings()
    {
        Assert.Equal(
            "*3\r\n$8\r\nSENTINEL\r\n$23\r\nget-master-addr-by-name\r\n$8\r\nmymaster\r\n",
            Wire.Text(o => RespWriter.WriteCommand(o, "SENTINEL", "get-master-addr-by-name", "mymaster")));
        Assert.Equal("*1\r\n$4\r\nPING\r\n", Wire.Text(o => RespWriter.WriteCommand(o, ["PING"])));
        Assert.Equal("*2\r\n$3\r\nGET\r\n$2\r\n\0\u00ff\r\n", Wire.Text(o => RespWriter.WriteCommand(o, new List<byte[]> { "GET"u8.ToArray(), new byte[] { 0, 255 } })));
    }

    [Fact]
    public void CommandWrittenByTheClientSideIsReadByTheServerSide()
    {
        var output = new ArrayBufferWriter<byte>();
        RespWriter.WriteCommand(output, "PUBLISH", "__sentinel__:hello", "127.0.0.1,26379,abc,1,mymaster,127.0.0.1,6379,1");
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(output.WrittenMemory));
        Assert.Equal(RespReadResult.Complete, new RequestReader().TryRead(ref reader, out var command, out _));
        Assert.Equal(["PUBLISH", "__sentinel__:hello", "127.0.0.1,26379,abc,1,mymaster,127.0.0.1,6379,1"],
            command.Args.Select(a => Encoding.UTF8.GetString(a)));
    }

    [Fact]
    public void LargeValuesSpanManySmallBuffers()
    {
        var text = new string('é', 100_000);
        var output = new ChunkedWriter(chunkBytes: 7);
        RespWriter.Write(output, new RespArray([RespValue.Bulk(text), new RespVerbatimString("txt", text), new RespSimpleString(text)]), RespProtocol.Resp3);
        var read = Wire.ReadOne(output.ToArray(), new RespLimits { MaxLineBytes = 1024 * 1024 });
        Assert.Equal(new RespArray([RespValue.Bulk(text), new RespVerbatimString("txt", text), new RespSimpleString(text)]), read);
    }

    // Expected values are C's printf("%.17g"), which Redis 7.0 uses for doubles in replies.
    public static TheoryData<ulong, string> CDoubles() => new()
    {
        { 0x0000000000000000UL, "0" },
        { 0x8000000000000000UL, "-0" },
        { 0x3FF0000000000000UL, "1" },
        { 0xBFF0000000000000UL, "-1" },
        { 0x3FB999999999999AUL, "0.10000000000000001" },
        { 0x3FE0000000000000UL, "0.5" },
        { 0x4415AF1D78B58C40UL, "1e+20" },
        { 0x3EE4F8B588E368F1UL, "1.0000000000000001e-05" },
        { 0x4341C37937E08000UL, "10000000000000000" },
        { 0x4376345785D8A000UL, "1e+17" },
        { 0x437B69B4BA630F35UL, "1.2345678901234568e+17" },
        { 0x01B01297D23AB683UL, "1.5000000000000001e-300" },
        { 0x0000000000000001UL, "4.9406564584124654e-324" },
        { 0x7FEFFFFFFFFFFFFFUL, "1.7976931348623157e+308" },
        { 0x400921F9F01B866EUL, "3.1415899999999999" },
        { 0x4059000000000000UL, "100" },
        { 0x3F1A36E2EB1C432DUL, "0.0001" },
        { 0x3F202C9DEDBC309DUL, "0.00012339999999999999" },
        { 0xBE90C6F7A0B5ED8DUL, "-2.4999999999999999e-07" },
        { 0x4340000000000000UL, "9007199254740992" },
        { 0x444B1AE4D6E2EF50UL, "1e+21" },
        { 0x40C81CD6C8B43958UL, "12345.678" },
        { 0xF2A74DE452E6B438UL, "-1.989032661366619e+244" },
        { 0x6513270E269E0D37UL, "7.761117632285041e+178" },
        { 0x0C5C7FD0A6A3A450UL, "3.980498358697587e-249" },
        { 0xD23F0824128B2F33UL, "-1.5432835417340557e+88" },
        { 0x36F675CC81E74EF5UL, "6.2946752411953861e-44" },
        { 0x3D9C172411E20B8FUL, "6.3870161585135632e-12" },
        { 0x3898D190F9EBDACCUL, "4.6678633181812096e-36" },
        { 0x6B4CB2424A23D596UL, "7.370437700706684e+208" },
        { 0xC12753FF0C352F28UL, "-764415.52384326328" },
        { 0x40F7500EE717BB10UL, "95488.931419115746" },
        { 0xC12AE13B51F45F35UL, "-880797.66006753466" },
    };

    [Theory]
    [MemberData(nameof(CDoubles))]
    public void DoublesAreFormattedLikeCPercentPoint17G(ulong bits, string expected)
    {
        Span<byte> text = stackalloc byte[40];
        var length = RespWriter.FormatDouble(BitConverter.UInt64BitsToDouble(bits), text);
        Assert.Equal(expected, Encoding.ASCII.GetString(text[..length]));
    }

    /// <summary>An IBufferWriter that never hands out more than a few bytes at a time, like a fragmented pipe.</summary>
    private sealed class ChunkedWriter(int chunkBytes) : IBufferWriter<byte>
    {
        private readonly List<byte[]> chunks = [];
        private byte[] current = [];

        public void Advance(int count) => chunks.Add(current[..count]);

        public Memory<byte> GetMemory(int sizeHint = 0) => current = new byte[Math.Max(sizeHint, chunkBytes)];

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public byte[] ToArray() => chunks.SelectMany(c => c).ToArray();
    }
}
