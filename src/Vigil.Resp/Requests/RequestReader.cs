using System.Buffers;
using System.Diagnostics;

namespace Vigil.Resp;

/// <summary>
/// Parses what a client sends into commands, with the rules and error texts of Redis 7.0
/// (networking.c processInlineBuffer / processMultibulkBuffer). One instance per connection.
/// </summary>
/// <remarks>
/// <para>Usage with pipelines: build a <see cref="SequenceReader{T}"/> over the buffer, call
/// <see cref="TryRead"/> until it stops returning <see cref="RespReadResult.Complete"/>, then
/// <c>AdvanceTo(reader.Position, buffer.End)</c>. The reader may step past whole arguments of an
/// unfinished request even when it answers <see cref="RespReadResult.NeedMoreData"/>: it keeps them,
/// like Redis keeps a half-read argv, so a large request is never parsed twice. An argument of 32 KB or
/// more is copied out as it arrives, so the transport's buffer drains even for arguments larger than its
/// back-pressure threshold; the copy grows with the bytes received, never with the length announced.</para>
/// <para>On <see cref="RespReadResult.ProtocolError"/> the host replies <c>-</c> followed by the error text
/// (which already starts with <c>ERR</c>) and closes the connection, as Redis does; the reader stays
/// failed. Lines that contain no command (an empty inline line, <c>*0</c>, <c>*-1</c>) are skipped.</para>
/// <para>Redis's quirks are kept on purpose: lines are found with C string functions, so a NUL byte
/// before the end of a line hides the line ending; the byte after the <c>\r</c> of a header and the two
/// bytes after an argument are skipped without being checked.</para>
/// </remarks>
public sealed class RequestReader
{
    /// <summary>PROTO_INLINE_MAX_SIZE: buffered bytes without a line end that make a request too big.</summary>
    public const int MaxInlineBytes = 64 * 1024;

    /// <summary>Most arguments a client that still has to authenticate may send in one request.</summary>
    public const int UnauthenticatedMaxArgs = 10;

    /// <summary>Longest argument a client that still has to authenticate may send.</summary>
    public const int UnauthenticatedMaxBulkBytes = 16384;

    // PROTO_MBULK_BIG_ARG: from this size an argument is copied out as it arrives instead of waited for.
    private const int BigArgBytes = 32 * 1024;

    // Redis starts argv at this many slots however many the header announces, and grows it as arguments come.
    private const int InitialArgSlots = 1024;

    // Redis refuses a count above INT_MAX.
    private const long MaxMultibulkLength = int.MaxValue;

    private const string TooBigInline = "ERR Protocol error: too big inline request";
    private const string UnbalancedQuotes = "ERR Protocol error: unbalanced quotes in request";
    private const string TooBigMultibulkCount = "ERR Protocol error: too big mbulk count string";
    private const string TooBigBulkCount = "ERR Protocol error: too big bulk count string";
    private const string InvalidMultibulkLength = "ERR Protocol error: invalid multibulk length";
    private const string UnauthenticatedMultibulkLength = "ERR Protocol error: unauthenticated multibulk length";
    private const string InvalidBulkLength = "ERR Protocol error: invalid bulk length";
    private const string UnauthenticatedBulkLength = "ERR Protocol error: unauthenticated bulk length";

    // A multibulk request in progress: null between requests.
    private byte[][]? args;
    private int argCount;
    private int argTotal;
    private long bulkLength = -1; // -1 until the current argument's $ header is read
    private byte[]? bulkBuffer; // a big argument being copied out as it arrives
    private int bulkFilled;
    private string? failure;
    private byte[][]?[]? reusedArrays; // by argument count, when ReusesArgumentArrays

    public RequestReader()
        : this(RequestLimits.Default)
    {
    }

    public RequestReader(RequestLimits limits) => Limits = limits;

    /// <summary>
    /// When set, the argument array of a request is handed out again for the next request with as many arguments
    /// (up to <see cref="MaxReusedArgumentCount"/>): for a caller that is done with a request before it reads the
    /// next, such as a client session running its commands in order. The argument values themselves are never
    /// reused in place (see <see cref="ArgumentInterner"/>).
    /// </summary>
    public bool ReusesArgumentArrays { get; init; }

    /// <summary>Requests with more arguments than this always get a fresh array.</summary>
    public const int MaxReusedArgumentCount = 8;

    /// <summary>Checked at every header; replace it after AUTH or a change of proto-max-bulk-len.</summary>
    public RequestLimits Limits { get; set; }

    /// <summary>True while part of a multibulk request has been read and stored.</summary>
    public bool HasPartialRequest => args is not null;

    /// <summary>
    /// Reads the next command. <see cref="RespReadResult.Complete"/>: <paramref name="command"/> has at
    /// least one argument. <see cref="RespReadResult.ProtocolError"/>: <paramref name="error"/> is the text
    /// to send after <c>-</c>, e.g. <c>ERR Protocol error: invalid bulk length</c>. Never throws for any input.
    /// </summary>
    public RespReadResult TryRead(ref SequenceReader<byte> reader, out RespCommand command, out string? error)
    {
        command = default;
        error = failure;
        if (failure is not null)
        {
            return RespReadResult.ProtocolError;
        }
        while (true)
        {
            if (args is null)
            {
                if (!reader.TryPeek(out var first))
                {
                    return RespReadResult.NeedMoreData;
                }
                if (first != (byte)'*')
                {
                    var inline = ReadInline(ref reader, out command, out error);
                    if (inline == RespReadResult.Complete && command.Args.Count == 0)
                    {
                        continue;
                    }
                    return Finish(inline, error);
                }
                var fast = TryReadWholeFrame(ref reader, out command, out error);
                if (fast == FrameInSpan.Read)
                {
                    if (command.Args.Count == 0)
                    {
                        continue;
                    }
                    return RespReadResult.Complete;
                }
                if (fast == FrameInSpan.Invalid)
                {
                    return Finish(RespReadResult.ProtocolError, error);
                }
                var header = ReadMultibulkHeader(ref reader, out error);
                if (header != RespReadResult.Complete)
                {
                    return Finish(header, error);
                }
                if (args is null)
                {
                    continue; // *0 or a negative count: nothing to run
                }
            }
            return Finish(ReadArguments(ref reader, out command, out error), error);
        }
    }

    /// <summary>Forgets a partial request and a failure, for a connection that starts over.</summary>
    public void Reset()
    {
        ClearRequest();
        failure = null;
    }

    private RespReadResult Finish(RespReadResult result, string? error)
    {
        if (result == RespReadResult.ProtocolError)
        {
            failure = error;
            ClearRequest();
        }
        return result;
    }

    private void ClearRequest()
    {
        args = null;
        argCount = 0;
        argTotal = 0;
        bulkLength = -1;
        bulkBuffer = null;
        bulkFilled = 0;
    }

    private static RespReadResult ReadInline(ref SequenceReader<byte> reader, out RespCommand command, out string? error)
    {
        command = default;
        error = null;
        if (!TryFindCString(reader, (byte)'\n', out var newline))
        {
            if (reader.Remaining > MaxInlineBytes)
            {
                error = TooBigInline;
                return RespReadResult.ProtocolError;
            }
            return RespReadResult.NeedMoreData;
        }
        var lineSequence = reader.UnreadSequence.Slice(0, newline);
        byte[][]? split;
        if (lineSequence.IsSingleSegment)
        {
            split = InlineSplitter.TrySplit(TrimCarriageReturn(lineSequence.FirstSpan));
        }
        else
        {
            var copy = ArrayPool<byte>.Shared.Rent((int)newline);
            lineSequence.CopyTo(copy);
            split = InlineSplitter.TrySplit(TrimCarriageReturn(copy.AsSpan(0, (int)newline)));
            ArrayPool<byte>.Shared.Return(copy);
        }
        if (split is null)
        {
            error = UnbalancedQuotes;
            return RespReadResult.ProtocolError;
        }
        reader.Advance(newline + 1);
        command = new RespCommand(split, isInline: true);
        return RespReadResult.Complete;
    }

    private static ReadOnlySpan<byte> TrimCarriageReturn(ReadOnlySpan<byte> line)
        => line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;

    private RespReadResult ReadMultibulkHeader(ref SequenceReader<byte> reader, out string? error)
    {
        error = null;
        if (!TryFindCString(reader, (byte)'\r', out var carriageReturn))
        {
            if (reader.Remaining > MaxInlineBytes)
            {
                error = TooBigMultibulkCount;
                return RespReadResult.ProtocolError;
            }
            return RespReadResult.NeedMoreData;
        }
        if (reader.Remaining < carriageReturn + 2)
        {
            return RespReadResult.NeedMoreData;
        }
        Span<byte> digits = stackalloc byte[RespNumber.MaxDigitsBytes];
        var digitCount = CopyDigits(reader, carriageReturn, digits);
        error = CheckMultibulkCount(digits[..digitCount], carriageReturn - 1, Limits, out var count);
        if (error is not null)
        {
            return RespReadResult.ProtocolError;
        }
        reader.Advance(carriageReturn + 2);
        if (count > 0)
        {
            argTotal = (int)count;
            argCount = 0;
            args = new byte[Math.Min(argTotal, InitialArgSlots)][];
            bulkLength = -1;
        }
        return RespReadResult.Complete;
    }

    private RespReadResult ReadArguments(ref SequenceReader<byte> reader, out RespCommand command, out string? error)
    {
        command = default;
        error = null;
        Span<byte> digits = stackalloc byte[RespNumber.MaxDigitsBytes];
        while (argCount < argTotal)
        {
            if (bulkLength < 0)
            {
                if (!TryFindCString(reader, (byte)'\r', out var carriageReturn))
                {
                    if (reader.Remaining > MaxInlineBytes)
                    {
                        error = TooBigBulkCount;
                        return RespReadResult.ProtocolError;
                    }
                    return RespReadResult.NeedMoreData;
                }
                if (reader.Remaining < carriageReturn + 2)
                {
                    return RespReadResult.NeedMoreData;
                }
                reader.TryPeek(out var first);
                var digitCount = CopyDigits(reader, carriageReturn, digits);
                error = CheckBulkHeader(first, digits[..digitCount], carriageReturn - 1, Limits, out var length);
                if (error is not null)
                {
                    return RespReadResult.ProtocolError;
                }
                reader.Advance(carriageReturn + 2);
                bulkLength = length;
            }
            if (!TryReadBulk(ref reader))
            {
                return RespReadResult.NeedMoreData;
            }
        }
        Debug.Assert(args is not null && args.Length == argTotal);
        command = new RespCommand(args, isInline: false);
        ClearRequest();
        return RespReadResult.Complete;
    }

    /// <summary>Takes the current argument's bytes; false while they have not all arrived.</summary>
    private bool TryReadBulk(ref SequenceReader<byte> reader)
    {
        if (bulkBuffer is null && reader.Remaining >= bulkLength + 2)
        {
            var arg = bulkLength == 0 ? [] : new byte[bulkLength];
            reader.TryCopyTo(arg);
            reader.Advance(bulkLength + 2); // the two bytes after the argument are not checked, as in Redis
            AddArgument(arg);
            return true;
        }
        if (bulkLength < BigArgBytes)
        {
            return false;
        }
        var take = (int)Math.Min(reader.Remaining, bulkLength - bulkFilled);
        if (take > 0)
        {
            GrowBulkBuffer(bulkFilled + take);
            reader.TryCopyTo(bulkBuffer.AsSpan(bulkFilled, take));
            reader.Advance(take);
            bulkFilled += take;
        }
        if (bulkFilled < bulkLength || reader.Remaining < 2)
        {
            return false;
        }
        reader.Advance(2);
        Debug.Assert(bulkBuffer!.Length == bulkLength);
        AddArgument(bulkBuffer);
        bulkBuffer = null;
        bulkFilled = 0;
        return true;
    }

    /// <summary>Grows the big-argument copy by doubling, up to exactly the announced length.</summary>
    private void GrowBulkBuffer(int needed)
    {
        var current = bulkBuffer?.Length ?? 0;
        if (current >= needed)
        {
            return;
        }
        var capacity = (int)Math.Min(bulkLength, Math.Max(needed, Math.Max(2L * current, BigArgBytes)));
        var grown = new byte[capacity];
        bulkBuffer?.AsSpan(0, bulkFilled).CopyTo(grown);
        bulkBuffer = grown;
    }

    private void AddArgument(byte[] arg)
    {
        Debug.Assert(args is not null);
        if (argCount == args.Length)
        {
            var grown = new byte[(int)Math.Min(2L * args.Length, argTotal)][];
            Array.Copy(args, grown, argCount);
            args = grown;
        }
        args[argCount++] = arg;
        bulkLength = -1;
    }

    /// <summary>
    /// The common case: a whole multibulk request inside the reader's current span. Parsed without
    /// stepping through the sequence; anything this cannot settle from the span alone is left to the
    /// general path, which gives the same answer.
    /// </summary>
    private FrameInSpan TryReadWholeFrame(ref SequenceReader<byte> reader, out RespCommand command, out string? error)
    {
        command = default;
        error = null;
        var span = reader.UnreadSpan;
        Debug.Assert(span.Length > 0 && span[0] == (byte)'*');
        var carriageReturn = IndexOfCString(span, (byte)'\r');
        if (carriageReturn < 0 || carriageReturn + 2 > span.Length)
        {
            return FrameInSpan.Unsettled;
        }
        error = CheckMultibulkCount(Digits(span, carriageReturn), carriageReturn - 1, Limits, out var count);
        if (error is not null)
        {
            return FrameInSpan.Invalid;
        }
        var start = carriageReturn + 2;
        if (count <= 0)
        {
            reader.Advance(start);
            command = new RespCommand([], isInline: false);
            return FrameInSpan.Read;
        }

        // First pass: every argument must be present and valid before anything is allocated.
        var position = start;
        for (var i = 0L; i < count; i++)
        {
            var rest = span[position..];
            carriageReturn = IndexOfCString(rest, (byte)'\r');
            if (carriageReturn < 0 || carriageReturn + 2 > rest.Length)
            {
                return FrameInSpan.Unsettled;
            }
            error = CheckBulkHeader(rest[0], Digits(rest, carriageReturn), carriageReturn - 1, Limits, out var length);
            if (error is not null)
            {
                return FrameInSpan.Invalid;
            }
            if (rest.Length - carriageReturn - 2 < length + 2)
            {
                return FrameInSpan.Unsettled;
            }
            position += carriageReturn + 2 + (int)length + 2;
        }

        // Second pass: copy the arguments out.
        var parsed = ArgumentArray((int)count);
        position = start;
        for (var i = 0; i < parsed.Length; i++)
        {
            var rest = span[position..];
            carriageReturn = rest.IndexOf((byte)'\r');
            RespNumber.TryParseInt64(rest[1..carriageReturn], out var length);
            parsed[i] = ArgumentInterner.Get(rest.Slice(carriageReturn + 2, (int)length));
            position += carriageReturn + 2 + (int)length + 2;
        }
        reader.Advance(position);
        command = new RespCommand(parsed, isInline: false);
        return FrameInSpan.Read;
    }

    private byte[][] ArgumentArray(int count)
    {
        if (!ReusesArgumentArrays || count > MaxReusedArgumentCount) return new byte[count][];
        reusedArrays ??= new byte[MaxReusedArgumentCount + 1][][];
        return reusedArrays[count] ??= new byte[count][];
    }

    /// <summary>The digits after a header's type byte, or an empty span when there are too many to be valid.</summary>
    private static ReadOnlySpan<byte> Digits(ReadOnlySpan<byte> header, int carriageReturn)
        => carriageReturn >= 1 && carriageReturn - 1 < RespNumber.MaxDigitsBytes ? header[1..carriageReturn] : default;

    /// <summary>Copies the digits after the type byte (when few enough to be a valid number) and counts them.</summary>
    private static int CopyDigits(SequenceReader<byte> reader, long carriageReturn, Span<byte> digits)
    {
        var count = carriageReturn - 1;
        if (count < 0 || count >= RespNumber.MaxDigitsBytes)
        {
            return 0;
        }
        reader.Advance(1);
        reader.TryCopyTo(digits[..(int)count]);
        return (int)count;
    }

    /// <summary>The checks of a <c>*count</c> header, in Redis's order. Returns the error text or null.</summary>
    private static string? CheckMultibulkCount(ReadOnlySpan<byte> digits, long digitBytes, in RequestLimits limits, out long count)
    {
        count = 0;
        if (digitBytes >= RespNumber.MaxDigitsBytes || !RespNumber.TryParseInt64(digits, out count) || count > MaxMultibulkLength)
        {
            return InvalidMultibulkLength;
        }
        if (count > UnauthenticatedMaxArgs && limits.RequiresAuth)
        {
            return UnauthenticatedMultibulkLength;
        }
        return null;
    }

    /// <summary>The checks of a <c>$length</c> header, in Redis's order. Returns the error text or null.</summary>
    private static string? CheckBulkHeader(byte first, ReadOnlySpan<byte> digits, long digitBytes, in RequestLimits limits, out long length)
    {
        length = 0;
        if (first != (byte)'$')
        {
            // Redis turns a CR or LF in a formatted error into a space so the reply stays one line.
            var shown = first is (byte)'\r' or (byte)'\n' ? ' ' : (char)first;
            return $"ERR Protocol error: expected '$', got '{shown}'";
        }
        var maxBulkBytes = Math.Min(limits.MaxBulkBytes, Array.MaxLength);
        if (digitBytes >= RespNumber.MaxDigitsBytes || !RespNumber.TryParseInt64(digits, out length) || length < 0 || length > maxBulkBytes)
        {
            return InvalidBulkLength;
        }
        if (length > UnauthenticatedMaxBulkBytes && limits.RequiresAuth)
        {
            return UnauthenticatedBulkLength;
        }
        return null;
    }

    /// <summary>
    /// Where <paramref name="target"/> first occurs, as C's strchr sees it: the search stops at a NUL byte.
    /// False when a NUL comes first or the byte is not buffered yet.
    /// </summary>
    private static bool TryFindCString(SequenceReader<byte> reader, byte target, out long offset)
    {
        var start = reader.Consumed;
        offset = 0;
        if (!reader.TryAdvanceToAny([target, 0], advancePastDelimiter: false))
        {
            return false;
        }
        reader.TryPeek(out var found);
        offset = reader.Consumed - start;
        return found == target;
    }

    private static int IndexOfCString(ReadOnlySpan<byte> span, byte target)
    {
        var index = span.IndexOfAny(target, (byte)0);
        return index >= 0 && span[index] == target ? index : -1;
    }

    private enum FrameInSpan
    {
        Unsettled,
        Read,
        Invalid,
    }
}
