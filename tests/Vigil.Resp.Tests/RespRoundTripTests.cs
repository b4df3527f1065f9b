using System.Buffers;
using Vigil.Resp.Tests.Support;

namespace Vigil.Resp.Tests;

public sealed class RespRoundTripTests
{
    public static TheoryData<string, RespValue> EveryType() => new()
    {
        { "simple string", new RespSimpleString("OK") },
        { "empty simple string", new RespSimpleString("") },
        { "error", new RespError("ERR something went wrong") },
        { "blob error", new RespError("SYNTAX line one\r\nline two") },
        { "integer", new RespInteger(-9223372036854775808) },
        { "bulk", new RespBulkString([0, 13, 10, 255, 36, 42]) },
        { "empty bulk", new RespBulkString([]) },
        { "array", RespValue.Array(RespValue.Bulk("a"), RespValue.Integer(1)) },
        { "empty array", new RespArray([]) },
        { "null", new RespNull() },
        { "map", new RespMap([new(RespValue.Bulk("k"), RespValue.Integer(2)), new(new RespSimpleString("s"), new RespNull())]) },
        { "empty map", new RespMap([]) },
        { "set", new RespSet([RespValue.Bulk("x"), new RespBoolean(true)]) },
        { "push", new RespPush([RespValue.Bulk("message"), RespValue.Bulk("__sentinel__:hello"), RespValue.Bulk("p")]) },
        { "double", new RespDouble(0.1) },
        { "infinity", new RespDouble(double.NegativeInfinity) },
        { "nan", new RespDouble(double.NaN) },
        { "true", new RespBoolean(true) },
        { "false", new RespBoolean(false) },
        { "big number", new RespBigNumber("-3492890328409238509324850943850943825024385") },
        { "verbatim", new RespVerbatimString("txt", "# Server\r\nredis_version:7.0.15\r\n") },
        { "attributed", new RespAttributed(new RespMap([new(RespValue.Bulk("ttl"), RespValue.Integer(3))]), RespValue.Bulk("v")) },
        { "attributes inside an aggregate", RespValue.Array(new RespAttributed(new RespMap([]), new RespInteger(1)), new RespInteger(2)) },
        {
            "nested",
            new RespMap([
                new(RespValue.Bulk("list"), new RespArray([new RespSet([new RespArray([])]), new RespMap([])])),
                new(new RespArray([RespValue.Integer(1)]), new RespPush([new RespDouble(2.5)])),
            ])
        },
    };

    [Theory]
    [MemberData(nameof(EveryType))]
    public void EveryTypeRoundTripsUnderEverySegmentation(string name, RespValue value)
    {
        var bytes = Wire.Write(value, RespProtocol.Resp3);
        foreach (var shape in Segments.AllShapes(bytes, seed: name.Length))
        {
            var (values, last, error, consumed) = Wire.ReadAll(shape);
            Assert.True(values.Count == 1, $"{name}: {last} {error}");
            Assert.Equal(value, values[0]);
            Assert.Equal(bytes.Length, consumed);
            Assert.Equal(RespReadResult.NeedMoreData, last);
        }
    }

    [Theory]
    [MemberData(nameof(EveryType))]
    public void EveryProperPrefixNeedsMoreDataAndTheWholeFrameCompletes(string name, RespValue value)
    {
        var bytes = Wire.Write(value, RespProtocol.Resp3);
        for (var length = 0; length < bytes.Length; length++)
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes, 0, length));
            var result = RespReader.TryRead(ref reader, RespLimits.Default, out var partial, out var error);
            Assert.True(result == RespReadResult.NeedMoreData, $"{name}: prefix {length} gave {result} {error}");
            Assert.Null(partial);
            Assert.Equal(0, reader.Consumed);
        }
        Assert.Equal(value, Wire.ReadOne(bytes));
    }

    [Fact]
    public void RandomNestedValuesRoundTripThroughResp3UnderRandomSegmentation()
    {
        var generator = new RandomValues(seed: 20240611);
        for (var i = 0; i < 2000; i++)
        {
            var value = generator.Next();
            var bytes = Wire.Write(value, RespProtocol.Resp3);
            var shape = i % 3 == 0 ? Segments.ByteAtATime(bytes) : Segments.RandomSplit(bytes, generator.Random);
            var (values, last, error, consumed) = Wire.ReadAll(shape);
            Assert.True(values.Count == 1, $"case {i}: {last} {error}");
            Assert.Equal(value, values[0]);
            Assert.Equal(bytes.Length, consumed);
        }
    }

    [Fact]
    public void RandomNestedValuesReadBackAsTheirResp2Downgrade()
    {
        var generator = new RandomValues(seed: 7);
        for (var i = 0; i < 2000; i++)
        {
            var value = generator.Next();
            var bytes = Wire.Write(value, RespProtocol.Resp2);
            var read = Wire.ReadOne(bytes);
            Assert.Equal(Resp2Model.Downgrade(value), read);
            AssertOnlyResp2Types(read);
        }
    }

    [Fact]
    public void PipelinedValuesAreReadOneAfterAnotherUnderRandomSegmentation()
    {
        var generator = new RandomValues(seed: 99);
        for (var round = 0; round < 200; round++)
        {
            var expected = Enumerable.Range(0, generator.Random.Next(1, 6)).Select(_ => generator.Next(3)).ToList();
            var bytes = expected.SelectMany(v => Wire.Write(v, RespProtocol.Resp3)).ToArray();
            var (values, last, _, consumed) = Wire.ReadAll(Segments.RandomSplit(bytes, generator.Random));
            Assert.Equal(expected, values);
            Assert.Equal(RespReadResult.NeedMoreData, last);
            Assert.Equal(bytes.Length, consumed);
        }
    }

    private static void AssertOnlyResp2Types(RespValue value)
    {
        switch (value)
        {
            case RespArray array:
                foreach (var item in array.Items)
                {
                    AssertOnlyResp2Types(item);
                }
                break;
            case RespSimpleString or RespError or RespInteger or RespBulkString or RespNull:
                break;
            default:
                Assert.Fail($"RESP2 output read back as {value.GetType().Name}");
                break;
        }
    }
}
