using System.Buffers;
using System.Text;

namespace Vigil.Resp.Tests.Support;

internal static class Wire
{
    public static byte[] Bytes(string ascii) => Encoding.Latin1.GetBytes(ascii);

    public static byte[] Write(RespValue value, RespProtocol protocol)
    {
        var output = new ArrayBufferWriter<byte>();
        RespWriter.Write(output, value, protocol);
        return output.WrittenSpan.ToArray();
    }

    public static string Text(Action<IBufferWriter<byte>> write)
    {
        var output = new ArrayBufferWriter<byte>();
        write(output);
        return Encoding.Latin1.GetString(output.WrittenSpan);
    }

    /// <summary>Reads every value in the sequence; stops at the first result that is not Complete.</summary>
    public static (List<RespValue> Values, RespReadResult Last, string? Error, long Consumed) ReadAll(
        ReadOnlySequence<byte> sequence, RespLimits? limits = null)
    {
        var actualLimits = limits ?? RespLimits.Default;
        var reader = new SequenceReader<byte>(sequence);
        var values = new List<RespValue>();
        while (true)
        {
            var before = reader.Consumed;
            var result = RespReader.TryRead(ref reader, in actualLimits, out var value, out var error);
            if (result != RespReadResult.Complete)
            {
                Assert.Equal(before, reader.Consumed); // a reader that fails never moves
                return (values, result, error, reader.Consumed);
            }
            Assert.NotNull(value);
            Assert.True(reader.Consumed > before);
            values.Add(value);
        }
    }

    public static RespValue ReadOne(byte[] bytes, RespLimits? limits = null)
    {
        var (values, last, error, consumed) = ReadAll(new ReadOnlySequence<byte>(bytes), limits);
        Assert.True(values.Count == 1, $"expected one value, got {values.Count}; last {last} {error}");
        Assert.Equal(RespReadResult.NeedMoreData, last);
        Assert.Equal(bytes.Length, consumed);
        return values[0];
    }

    public static string ReadError(byte[] bytes, RespLimits? limits = null)
    {
        var (values, last, error, _) = ReadAll(new ReadOnlySequence<byte>(bytes), limits);
        Assert.Empty(values);
        Assert.Equal(RespReadResult.ProtocolError, last);
        Assert.NotNull(error);
        return error;
    }
}
