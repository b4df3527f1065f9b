using System.Buffers;
using System.IO.Pipelines;

namespace Vigil.Resp;

/// <summary>Reads whole RESP values from a <see cref="PipeReader"/>: the one read loop every client of ours shares.</summary>
public static class RespPipeReading
{
    /// <summary>
    /// Waits for one complete value. A protocol error throws <see cref="IOException"/>; a connection closed before the
    /// value was complete throws <see cref="EndOfStreamException"/> with <paramref name="closedMessage"/>.
    /// </summary>
    public static async Task<RespValue> ReadValueAsync(this PipeReader pipe, RespLimits limits, string closedMessage, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        while (true)
        {
            var result = await pipe.ReadAsync(cancel).ConfigureAwait(false);
            var buffer = result.Buffer;
            var outcome = TryParse(buffer, limits, out var value, out var consumed, out var error);
            if (outcome == RespReadResult.ProtocolError) throw new IOException("protocol error: " + error);
            if (outcome == RespReadResult.Complete)
            {
                pipe.AdvanceTo(consumed);
                return value!;
            }
            pipe.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted) throw new EndOfStreamException(closedMessage);
        }
    }

    // A SequenceReader is a ref struct: it cannot live across the await above.
    private static RespReadResult TryParse(ReadOnlySequence<byte> buffer, RespLimits limits, out RespValue? value, out SequencePosition consumed, out string? error)
    {
        var reader = new SequenceReader<byte>(buffer);
        var outcome = RespReader.TryRead(ref reader, limits, out value, out error);
        consumed = reader.Position;
        return outcome;
    }
}
