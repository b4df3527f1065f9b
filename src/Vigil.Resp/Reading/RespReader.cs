using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Vigil.Resp;

/// <summary>
/// Reads one RESP2/RESP3 value (a reply or a push) from buffered bytes, for the links Vigil opens to
/// Redis instances and peer sentinels.
/// </summary>
/// <remarks>
/// The reader is stateless: on <see cref="RespReadResult.NeedMoreData"/> and
/// <see cref="RespReadResult.ProtocolError"/> it leaves <c>reader</c> where it was, so the caller keeps the
/// bytes (with pipelines: <c>AdvanceTo(buffer.Start, buffer.End)</c>) and calls again when more arrive.
/// Each attempt first walks the frame without allocating, checking every announced length against
/// <see cref="RespLimits"/>; values are built only once the whole frame is present. A frame that
/// trickles in is therefore re-walked on each attempt, which costs header parsing (bulk payloads are
/// skipped by length) and no allocation. Nesting is tracked on an explicit stack, never by recursion.
/// Error texts follow hiredis where it has one, since the reference reports them in link events.
/// </remarks>
public static class RespReader
{
    // Depth counters live on the stack up to this many levels, then move to the heap.
    private const int StackDepthCounters = 256;

    // hiredis refuses double lines this long (its buffer is 326 bytes).
    private const int MaxDoubleBytes = 326;

    private static readonly RespBoolean True = new(true);
    private static readonly RespBoolean False = new(false);
    private static readonly RespNull NullArray = new() { IsNullArray = true };

    // The replies a sentinel reads thousands of times a second from a fleet (PING's, a command's, PUBLISH's count)
    // are shared rather than built each time; values are immutable, so sharing is safe.
    private static readonly RespSimpleString Pong = new("PONG");
    private static readonly RespSimpleString Queued = new("QUEUED");
    private static readonly RespInteger[] SmallIntegers = [.. Enumerable.Range(0, 64).Select(n => new RespInteger(n))];

    private static RespValue SimpleString(in ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment)
        {
            var text = line.FirstSpan;
            if (text.SequenceEqual("OK"u8)) return RespValue.Ok;
            if (text.SequenceEqual("PONG"u8)) return Pong;
            if (text.SequenceEqual("QUEUED"u8)) return Queued;
        }
        return new RespSimpleString(Encoding.UTF8.GetString(line));
    }

    private static RespInteger Integer(long value) =>
        value >= 0 && value < SmallIntegers.Length ? SmallIntegers[value] : new RespInteger(value);

    /// <summary>Reads one value; see the other overload, which also gives the error text.</summary>
    public static RespReadResult TryRead(ref SequenceReader<byte> reader, in RespLimits limits, out RespValue? value)
        => TryRead(ref reader, in limits, out value, out _);

    /// <summary>
    /// Reads one value. <see cref="RespReadResult.Complete"/>: <paramref name="value"/> is set and
    /// <paramref name="reader"/> is past the frame. Otherwise the reader has not moved;
    /// <paramref name="error"/> describes a <see cref="RespReadResult.ProtocolError"/>.
    /// Never throws for any input.
    /// </summary>
    public static RespReadResult TryRead(
        ref SequenceReader<byte> reader, in RespLimits limits, out RespValue? value, out string? error)
    {
        var probe = reader;
        var result = Walk(ref probe, in limits, build: false, out value, out error);
        if (result != RespReadResult.Complete)
        {
            return result;
        }
        result = Walk(ref reader, in limits, build: true, out value, out error);
        Debug.Assert(result == RespReadResult.Complete && reader.Consumed == probe.Consumed);
        return result;
    }

    /// <summary>One pass over a frame: validating only, or (once validated) also building the value.</summary>
    private static RespReadResult Walk(
        ref SequenceReader<byte> reader, in RespLimits limits, bool build, out RespValue? value, out string? error)
    {
        value = null;
        error = null;
        var frameStart = reader.Consumed;
        var maxDepth = Math.Max(0, limits.MaxDepth);
        // expected[d] = children still to come in the aggregate open at depth d.
        Span<long> expected = stackalloc long[StackDepthCounters];
        // Made at the first aggregate: most replies (PONG, OK, an integer) are none. Null while not building.
        List<OpenAggregate>? open = null;
        var depth = 0;
        while (true)
        {
            if (reader.Consumed - frameStart > limits.MaxFrameBytes)
            {
                error = FrameTooLarge(in limits);
                return RespReadResult.ProtocolError;
            }
            if (!reader.TryRead(out var type))
            {
                return RespReadResult.NeedMoreData;
            }
            RespValue? item = null;
            RespReadResult step;
            switch (type)
            {
                case (byte)'+':
                case (byte)'-':
                case (byte)':':
                case (byte)',':
                case (byte)'_':
                case (byte)'#':
                case (byte)'(':
                    step = ReadLine(ref reader, in limits, out var line, out error);
                    if (step != RespReadResult.Complete)
                    {
                        return step;
                    }
                    error = ReadLineValue(type, line, build, out item);
                    if (error is not null)
                    {
                        return RespReadResult.ProtocolError;
                    }
                    break;

                case (byte)'$':
                case (byte)'!':
                case (byte)'=':
                    step = ReadBlob(ref reader, in limits, type, frameStart, build, out item, out error);
                    if (step != RespReadResult.Complete)
                    {
                        return step;
                    }
                    break;

                case (byte)'*':
                case (byte)'%':
                case (byte)'~':
                case (byte)'>':
                case (byte)'|':
                    step = ReadLine(ref reader, in limits, out var header, out error);
                    if (step != RespReadResult.Complete)
                    {
                        return step;
                    }
                    if (!RespNumber.TryParseInt64(header, out var count))
                    {
                        error = "Bad multi-bulk length";
                        return RespReadResult.ProtocolError;
                    }
                    if (count == -1 && type == (byte)'*')
                    {
                        item = NullArray;
                        break;
                    }
                    if (count < 0 || count > limits.MaxAggregateLength)
                    {
                        error = "Multi-bulk length out of range";
                        return RespReadResult.ProtocolError;
                    }
                    var children = type switch
                    {
                        (byte)'%' => count * 2,
                        (byte)'|' => count * 2 + 1, // the attribute pairs, then the value they annotate
                        _ => count,
                    };
                    if (children == 0)
                    {
                        item = build ? OpenAggregate.Empty(type) : null;
                        break;
                    }
                    if (depth == maxDepth)
                    {
                        error = $"Protocol error: nesting deeper than {maxDepth} levels";
                        return RespReadResult.ProtocolError;
                    }
                    if (depth == expected.Length)
                    {
                        // Deeper than the stack counters: move them to the heap, growing with the depth reached.
                        var grown = new long[Math.Min(maxDepth, 2L * expected.Length)];
                        expected.CopyTo(grown);
                        expected = grown;
                    }
                    expected[depth] = children;
                    if (build) (open ??= []).Add(new OpenAggregate(type, children));
                    depth++;
                    continue;

                default:
                    error = UnknownTypeByte(type);
                    return RespReadResult.ProtocolError;
            }

            // A value is complete: it fills a slot of the innermost open aggregate, and may close
            // several aggregates at once.
            while (depth > 0)
            {
                open?[depth - 1].Add(item!);
                if (--expected[depth - 1] > 0)
                {
                    break;
                }
                depth--;
                if (open is not null)
                {
                    item = open[depth].Close();
                    open.RemoveAt(depth);
                }
            }
            if (depth == 0)
            {
                if (reader.Consumed - frameStart > limits.MaxFrameBytes)
                {
                    error = FrameTooLarge(in limits);
                    return RespReadResult.ProtocolError;
                }
                value = item;
                return RespReadResult.Complete;
            }
        }
    }

    /// <summary>Reads up to the first CRLF (as hiredis does) and steps past it.</summary>
    private static RespReadResult ReadLine(
        ref SequenceReader<byte> reader, in RespLimits limits, out ReadOnlySequence<byte> line, out string? error)
    {
        error = null;
        if (reader.TryReadTo(out line, "\r\n"u8, advancePastDelimiter: true))
        {
            if (line.Length <= limits.MaxLineBytes)
            {
                return RespReadResult.Complete;
            }
        }
        else if (reader.Remaining <= (long)Math.Max(0, limits.MaxLineBytes) + 1)
        {
            return RespReadResult.NeedMoreData;
        }
        error = $"Protocol error: line longer than {limits.MaxLineBytes} bytes";
        return RespReadResult.ProtocolError;
    }

    /// <summary>Validates a one-line value and, when building, creates it. Returns an error text or null.</summary>
    private static string? ReadLineValue(byte type, in ReadOnlySequence<byte> line, bool build, out RespValue? item)
    {
        item = null;
        switch (type)
        {
            case (byte)'+':
            case (byte)'-':
                if (line.PositionOf((byte)'\r') is not null || line.PositionOf((byte)'\n') is not null)
                {
                    return "Bad simple string value";
                }
                if (build)
                {
                    item = type == (byte)'+' ? SimpleString(line) : new RespError(Encoding.UTF8.GetString(line));
                }
                return null;

            case (byte)':':
                if (!RespNumber.TryParseInt64(line, out var integer))
                {
                    return "Bad integer value";
                }
                item = build ? Integer(integer) : null;
                return null;

            case (byte)',':
                if (line.Length >= MaxDoubleBytes)
                {
                    return "Double value is too large";
                }
                Span<byte> digits = stackalloc byte[MaxDoubleBytes];
                line.CopyTo(digits);
                if (!TryParseDouble(digits[..(int)line.Length], out var number))
                {
                    return "Bad double value";
                }
                item = build ? new RespDouble(number) : null;
                return null;

            case (byte)'_':
                if (!line.IsEmpty)
                {
                    return "Bad nil value";
                }
                item = RespValue.NullValue;
                return null;

            case (byte)'#':
                var flag = line.Length == 1 ? line.FirstSpan[0] : (byte)0;
                if (flag is not ((byte)'t' or (byte)'T' or (byte)'f' or (byte)'F'))
                {
                    return "Bad bool value";
                }
                item = flag is (byte)'t' or (byte)'T' ? True : False;
                return null;

            default:
                Debug.Assert(type == (byte)'(');
                if (!IsBigNumber(line))
                {
                    return "Bad bignum value";
                }
                item = build ? new RespBigNumber(Encoding.ASCII.GetString(line)) : null;
                return null;
        }
    }

    /// <summary>Reads a length-prefixed value: bulk string, blob error or verbatim string.</summary>
    private static RespReadResult ReadBlob(
        ref SequenceReader<byte> reader, in RespLimits limits, byte type, long frameStart, bool build,
        out RespValue? item, out string? error)
    {
        item = null;
        var step = ReadLine(ref reader, in limits, out var header, out error);
        if (step != RespReadResult.Complete)
        {
            return step;
        }
        if (!RespNumber.TryParseInt64(header, out var length))
        {
            error = "Bad bulk string length";
            return RespReadResult.ProtocolError;
        }
        if (length == -1 && type == (byte)'$')
        {
            item = RespValue.NullValue;
            return RespReadResult.Complete;
        }
        if (length < 0)
        {
            error = "Bulk string length out of range";
            return RespReadResult.ProtocolError;
        }
        var maxBulkBytes = Math.Min(limits.MaxBulkBytes, Array.MaxLength);
        if (length > maxBulkBytes)
        {
            error = $"Protocol error: bulk length {length} exceeds the limit of {maxBulkBytes} bytes";
            return RespReadResult.ProtocolError;
        }
        if (reader.Consumed - frameStart + length + 2 > limits.MaxFrameBytes)
        {
            error = FrameTooLarge(in limits);
            return RespReadResult.ProtocolError;
        }
        if (reader.Remaining < length + 2)
        {
            return RespReadResult.NeedMoreData;
        }
        var payload = reader.UnreadSequence.Slice(0, length);
        if (type == (byte)'=' && (length < 4 || payload.Slice(3, 1).FirstSpan[0] != (byte)':'))
        {
            error = "Verbatim string 4 bytes of content type are missing or incorrectly encoded.";
            return RespReadResult.ProtocolError;
        }
        if (build)
        {
            item = type switch
            {
                (byte)'$' => new RespBulkString(payload.IsSingleSegment ? ArgumentInterner.Get(payload.FirstSpan) : payload.ToArray()),
                (byte)'!' => new RespError(Encoding.UTF8.GetString(payload)),
                _ => new RespVerbatimString(
                    Encoding.UTF8.GetString(payload.Slice(0, 3)), Encoding.UTF8.GetString(payload.Slice(4))),
            };
        }
        reader.Advance(length);
        if (!reader.IsNext("\r\n"u8, advancePast: true))
        {
            error = "Protocol error: bulk payload not followed by CRLF";
            return RespReadResult.ProtocolError;
        }
        return RespReadResult.Complete;
    }

    /// <summary>RESP3 doubles: <c>inf</c>, <c>-inf</c>, <c>nan</c> (any case) or a finite decimal.</summary>
    private static bool TryParseDouble(ReadOnlySpan<byte> text, out double value)
    {
        if (Ascii.EqualsIgnoreCase(text, "inf"u8))
        {
            value = double.PositiveInfinity;
            return true;
        }
        if (Ascii.EqualsIgnoreCase(text, "-inf"u8))
        {
            value = double.NegativeInfinity;
            return true;
        }
        // glibc prints a NaN with its sign bit set as "-nan".
        if (Ascii.EqualsIgnoreCase(text, "nan"u8) || Ascii.EqualsIgnoreCase(text, "-nan"u8))
        {
            value = double.NaN;
            return true;
        }
        const NumberStyles Style = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        return double.TryParse(text, Style, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    private static bool IsBigNumber(in ReadOnlySequence<byte> line)
    {
        var digits = 0L;
        var first = true;
        foreach (var segment in line)
        {
            foreach (var b in segment.Span)
            {
                var isSign = first && b == (byte)'-';
                first = false;
                if (isSign)
                {
                    continue;
                }
                if (b is < (byte)'0' or > (byte)'9')
                {
                    return false;
                }
                digits++;
            }
        }
        return digits > 0;
    }

    /// <summary>hiredis's wording, with the byte quoted and escaped the way it does.</summary>
    private static string UnknownTypeByte(byte type)
    {
        var shown = type switch
        {
            (byte)'\\' => "\\\\",
            (byte)'"' => "\\\"",
            (byte)'\n' => "\\n",
            (byte)'\r' => "\\r",
            (byte)'\t' => "\\t",
            (byte)'\a' => "\\a",
            (byte)'\b' => "\\b",
            >= 0x20 and < 0x7f => ((char)type).ToString(),
            _ => $"\\x{type:x2}",
        };
        return $"Protocol error, got \"{shown}\" as reply type byte";
    }

    private static string FrameTooLarge(in RespLimits limits)
        => $"Protocol error: reply larger than {limits.MaxFrameBytes} bytes";

    /// <summary>An aggregate being filled while building; its size was validated by the first pass.</summary>
    private sealed class OpenAggregate(byte type, long children)
    {
        private readonly RespValue[] items = new RespValue[children];
        private int count;

        public void Add(RespValue item) => items[count++] = item;

        public RespValue Close()
        {
            Debug.Assert(count == items.Length);
            switch (type)
            {
                case (byte)'%':
                    return new RespMap(Pairs(items, items.Length / 2));
                case (byte)'|':
                    return new RespAttributed(new RespMap(Pairs(items, items.Length / 2)), items[^1]);
                case (byte)'~':
                    return new RespSet(items);
                case (byte)'>':
                    return new RespPush(items);
                default:
                    return new RespArray(items);
            }
        }

        public static RespValue Empty(byte type) => type switch
        {
            (byte)'%' => new RespMap([]),
            (byte)'~' => new RespSet([]),
            (byte)'>' => new RespPush([]),
            _ => new RespArray([]),
        };

        private static KeyValuePair<RespValue, RespValue>[] Pairs(RespValue[] items, int pairCount)
        {
            var pairs = new KeyValuePair<RespValue, RespValue>[pairCount];
            for (var i = 0; i < pairCount; i++)
            {
                pairs[i] = new KeyValuePair<RespValue, RespValue>(items[2 * i], items[2 * i + 1]);
            }
            return pairs;
        }
    }
}
