using System.Buffers;
using Vigil.Resp.Tests.Support;

namespace Vigil.Resp.Tests;

/// <summary>Hostile input: the reader must answer NeedMoreData, ProtocolError or a value, and never throw.</summary>
public sealed class RespReaderFuzzTests
{
    private static readonly byte[] Alphabet = Wire.Bytes("+-:$*%~>,_#(=!|\r\n\r\n0123456789-1tfx?\0 ");

    [Fact]
    public void RandomGarbageNeverThrowsAndGivesTheSameAnswerHoweverItIsSplit()
    {
        var random = new Random(12345);
        var tight = new RespLimits { MaxDepth = 3, MaxBulkBytes = 8, MaxAggregateLength = 4, MaxLineBytes = 6, MaxFrameBytes = 40 };
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 48)];
            for (var j = 0; j < bytes.Length; j++)
            {
                bytes[j] = random.Next(8) == 0 ? (byte)random.Next(256) : Alphabet[random.Next(Alphabet.Length)];
            }
            var limits = i % 2 == 0 ? RespLimits.Default : tight;
            var whole = Wire.ReadAll(new ReadOnlySequence<byte>(bytes), limits);
            var split = Wire.ReadAll(Segments.RandomSplit(bytes, random), limits);
            Assert.Equal(whole.Values, split.Values);
            Assert.Equal(whole.Last, split.Last);
            Assert.Equal(whole.Error, split.Error);
            Assert.Equal(whole.Consumed, split.Consumed);
            Assert.True(whole.Last != RespReadResult.ProtocolError || whole.Error is not null);
        }
    }

    [Fact]
    public void TruncatedValidFramesAlwaysNeedMoreData()
    {
        var generator = new RandomValues(seed: 4242);
        for (var i = 0; i < 3000; i++)
        {
            var bytes = Wire.Write(generator.Next(), generator.Random.Next(2) == 0 ? RespProtocol.Resp3 : RespProtocol.Resp2);
            var cut = generator.Random.Next(bytes.Length);
            var (values, last, error, consumed) = Wire.ReadAll(Segments.RandomSplit(bytes[..cut], generator.Random));
            Assert.True(values.Count == 0 && last == RespReadResult.NeedMoreData, $"case {i}: {last} {error}");
            Assert.Equal(0, consumed);
        }
    }

    [Fact]
    public void CorruptedValidFramesNeverThrowAndSplitDoesNotMatter()
    {
        var generator = new RandomValues(seed: 777);
        var random = generator.Random;
        for (var i = 0; i < 5000; i++)
        {
            var bytes = Wire.Write(generator.Next(), RespProtocol.Resp3);
            var flips = random.Next(1, 4);
            for (var f = 0; f < flips; f++)
            {
                bytes[random.Next(bytes.Length)] = random.Next(2) == 0 ? Alphabet[random.Next(Alphabet.Length)] : (byte)random.Next(256);
            }
            var whole = Wire.ReadAll(new ReadOnlySequence<byte>(bytes));
            var oneByte = Wire.ReadAll(Segments.ByteAtATime(bytes));
            Assert.Equal(whole.Values, oneByte.Values);
            Assert.Equal(whole.Last, oneByte.Last);
            Assert.Equal(whole.Error, oneByte.Error);
        }
    }
}
