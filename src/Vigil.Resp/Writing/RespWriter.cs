using System.Buffers;
using System.Globalization;
using System.Text;

namespace Vigil.Resp;

/// <summary>
/// Writes RESP into an <see cref="IBufferWriter{T}"/> (a <c>PipeWriter</c> in the host), for replies to
/// clients (in the protocol the client chose with HELLO) and commands to Redis instances and peers.
/// </summary>
/// <remarks>
/// Under RESP2 the RESP3-only types are spelled the way Redis 7.0 spells them for a RESP2 client:
/// map → flat array of keys and values, set and push → array, double → bulk string, boolean → integer
/// 1/0, big number and verbatim string → bulk string (the verbatim format is dropped), null →
/// <c>$-1</c> or <c>*-1</c>, attributes dropped. A status or error line can never carry CR or LF; as
/// Redis does for formatted errors, such characters are written as spaces (a RESP3 error with a line
/// break is written as a blob error instead, which keeps it intact).
/// </remarks>
public static class RespWriter
{
    // A prefix byte, a signed 64-bit number (at most 20 characters) and CRLF.
    private const int MaxHeaderBytes = 1 + 20 + 2;

    // Longest "%.17g" text ("-1.2345678901234567e-308") plus the RESP3 prefix and CRLF, with room to spare.
    private const int MaxDoubleBytes = 40;

    /// <summary>Writes any value, downgrading RESP3-only types when <paramref name="protocol"/> is RESP2.</summary>
    public static void Write(IBufferWriter<byte> output, RespValue value, RespProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(value);
        switch (value)
        {
            case RespSimpleString simple:
                WriteSimpleString(output, simple.Text);
                break;
            case RespError error:
                if (protocol == RespProtocol.Resp3 && error.Text.AsSpan().IndexOfAny('\r', '\n') >= 0)
                {
                    WriteBlob(output, (byte)'!', error.Text);
                }
                else
                {
                    WriteError(output, error.Text);
                }
                break;
            case RespInteger integer:
                WriteInteger(output, integer.Value);
                break;
            case RespBulkString bulk:
                WriteBulk(output, bulk.Bytes);
                break;
            case RespArray array:
                WriteArrayHeader(output, array.Items.Count);
                WriteItems(output, array.Items, protocol);
                break;
            case RespNull nil:
                WriteNull(output, protocol, nil.IsNullArray);
                break;
            case RespMap map:
                WriteMapHeader(output, map.Entries.Count, protocol);
                WriteEntries(output, map.Entries, protocol);
                break;
            case RespSet set:
                WriteSetHeader(output, set.Items.Count, protocol);
                WriteItems(output, set.Items, protocol);
                break;
            case RespPush push:
                WritePushHeader(output, push.Items.Count, protocol);
                WriteItems(output, push.Items, protocol);
                break;
            case RespDouble number:
                WriteDouble(output, number.Value, protocol);
                break;
            case RespBoolean flag:
                WriteBoolean(output, flag.Value, protocol);
                break;
            case RespBigNumber big:
                if (protocol == RespProtocol.Resp3)
                {
                    WriteLine(output, (byte)'(', big.Digits);
                }
                else
                {
                    WriteBulk(output, big.Digits);
                }
                break;
            case RespVerbatimString verbatim:
                WriteVerbatim(output, verbatim, protocol);
                break;
            case RespAttributed attributed:
                if (protocol == RespProtocol.Resp3)
                {
                    WriteHeader(output, (byte)'|', attributed.Attributes.Entries.Count);
                    WriteEntries(output, attributed.Attributes.Entries, protocol);
                }
                Write(output, attributed.Value, protocol);
                break;
            default:
                throw new ArgumentException($"Unknown RESP value type {value.GetType().Name}.", nameof(value));
        }
    }

    /// <summary><c>+text</c>.</summary>
    public static void WriteSimpleString(IBufferWriter<byte> output, string text) => WriteLine(output, (byte)'+', text);

    /// <summary><c>+text</c> from bytes that are already UTF-8.</summary>
    public static void WriteSimpleString(IBufferWriter<byte> output, ReadOnlySpan<byte> utf8Text)
        => WriteLine(output, (byte)'+', utf8Text);

    /// <summary><c>-text</c>, where <paramref name="text"/> starts with the error code: <c>"ERR no such key"</c>.</summary>
    public static void WriteError(IBufferWriter<byte> output, string text) => WriteLine(output, (byte)'-', text);

    /// <summary><c>:n</c>.</summary>
    public static void WriteInteger(IBufferWriter<byte> output, long value) => WriteHeader(output, (byte)':', value);

    /// <summary><c>$len</c> and the bytes.</summary>
    public static void WriteBulk(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        WriteHeader(output, (byte)'$', bytes.Length);
        output.Write(bytes);
        WriteCrlf(output);
    }

    /// <summary><c>$len</c> and the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static void WriteBulk(IBufferWriter<byte> output, string text) => WriteBlob(output, (byte)'$', text);

    /// <summary><c>*count</c>; the caller writes the items.</summary>
    public static void WriteArrayHeader(IBufferWriter<byte> output, int count) => WriteHeader(output, (byte)'*', count);

    /// <summary>RESP3 <c>%count</c>; RESP2 <c>*2count</c>. The caller writes key, value, key, value…</summary>
    public static void WriteMapHeader(IBufferWriter<byte> output, int count, RespProtocol protocol)
    {
        if (protocol == RespProtocol.Resp3)
        {
            WriteHeader(output, (byte)'%', count);
        }
        else
        {
            WriteHeader(output, (byte)'*', 2L * count);
        }
    }

    /// <summary>RESP3 <c>~count</c>; RESP2 <c>*count</c>.</summary>
    public static void WriteSetHeader(IBufferWriter<byte> output, int count, RespProtocol protocol)
        => WriteHeader(output, protocol == RespProtocol.Resp3 ? (byte)'~' : (byte)'*', count);

    /// <summary>RESP3 <c>&gt;count</c>; RESP2 <c>*count</c> (how pub/sub messages reach RESP2 clients).</summary>
    public static void WritePushHeader(IBufferWriter<byte> output, int count, RespProtocol protocol)
        => WriteHeader(output, protocol == RespProtocol.Resp3 ? (byte)'>' : (byte)'*', count);

    /// <summary>
    /// RESP3 <c>_</c>; RESP2 <c>$-1</c>, or <c>*-1</c> when <paramref name="isNullArray"/> (Redis's
    /// addReplyNullArray, e.g. an unknown master in GET-MASTER-ADDR-BY-NAME).
    /// </summary>
    public static void WriteNull(IBufferWriter<byte> output, RespProtocol protocol, bool isNullArray = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(protocol == RespProtocol.Resp3 ? "_\r\n"u8 : isNullArray ? "*-1\r\n"u8 : "$-1\r\n"u8);
    }

    /// <summary>RESP3 <c>,d</c>; RESP2 bulk string. The text is Redis 7.0's (see <see cref="FormatDouble"/>).</summary>
    public static void WriteDouble(IBufferWriter<byte> output, double value, RespProtocol protocol)
    {
        Span<byte> text = stackalloc byte[MaxDoubleBytes];
        var length = FormatDouble(value, text);
        if (protocol == RespProtocol.Resp3)
        {
            WriteLine(output, (byte)',', text[..length]);
        }
        else
        {
            WriteBulk(output, text[..length]);
        }
    }

    /// <summary>RESP3 <c>#t</c>/<c>#f</c>; RESP2 <c>:1</c>/<c>:0</c>.</summary>
    public static void WriteBoolean(IBufferWriter<byte> output, bool value, RespProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (protocol == RespProtocol.Resp3)
        {
            output.Write(value ? "#t\r\n"u8 : "#f\r\n"u8);
        }
        else
        {
            output.Write(value ? ":1\r\n"u8 : ":0\r\n"u8);
        }
    }

    /// <summary>A command as Redis expects it from a client: an array of bulk strings (UTF-8).</summary>
    public static void WriteCommand(IBufferWriter<byte> output, params ReadOnlySpan<string> args)
    {
        WriteArrayHeader(output, args.Length);
        foreach (var arg in args)
        {
            WriteBulk(output, arg);
        }
    }

    /// <summary>A command whose arguments are already bytes.</summary>
    public static void WriteCommand(IBufferWriter<byte> output, IReadOnlyList<byte[]> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        WriteArrayHeader(output, args.Count);
        for (var i = 0; i < args.Count; i++)
        {
            WriteBulk(output, args[i]);
        }
    }

    /// <summary>
    /// Formats a double as Redis 7.0 does in replies: <c>inf</c>, <c>-inf</c>, <c>nan</c>, otherwise C's
    /// <c>%.17g</c> (<c>0.10000000000000001</c>, <c>1e+20</c>, <c>-0</c>), which always reads back to the
    /// same double. Returns the byte count; <paramref name="destination"/> needs 32 bytes.
    /// </summary>
    public static int FormatDouble(double value, Span<byte> destination)
    {
        if (double.IsNaN(value))
        {
            "nan"u8.CopyTo(destination);
            return 3;
        }
        if (double.IsInfinity(value))
        {
            var text = value > 0 ? "inf"u8 : "-inf"u8;
            text.CopyTo(destination);
            return text.Length;
        }
        // .NET's "g17" uses the same precision, the same switch to exponent form (exponent < -4 or >= 17),
        // the same trailing-zero removal and the same two-digit minimum exponent as C's "%.17g".
        if (!value.TryFormat(destination, out var written, "g17", CultureInfo.InvariantCulture))
        {
            throw new ArgumentException("Destination too small for a double.", nameof(destination));
        }
        return written;
    }

    private static void WriteItems(IBufferWriter<byte> output, IReadOnlyList<RespValue> items, RespProtocol protocol)
    {
        for (var i = 0; i < items.Count; i++)
        {
            Write(output, items[i], protocol);
        }
    }

    private static void WriteEntries(
        IBufferWriter<byte> output, IReadOnlyList<KeyValuePair<RespValue, RespValue>> entries, RespProtocol protocol)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            Write(output, entries[i].Key, protocol);
            Write(output, entries[i].Value, protocol);
        }
    }

    private static void WriteVerbatim(IBufferWriter<byte> output, RespVerbatimString verbatim, RespProtocol protocol)
    {
        if (protocol == RespProtocol.Resp2)
        {
            WriteBulk(output, verbatim.Text);
            return;
        }
        // Like Redis: the format is exactly three bytes, padded with spaces or cut.
        Span<byte> format = stackalloc byte[4];
        format.Fill((byte)' ');
        format[3] = (byte)':';
        Span<byte> encoded = stackalloc byte[12];
        var encodedBytes = Encoding.UTF8.GetBytes(verbatim.Format.AsSpan(0, Math.Min(3, verbatim.Format.Length)), encoded);
        encoded[..Math.Min(encodedBytes, 3)].CopyTo(format);
        var textBytes = Encoding.UTF8.GetByteCount(verbatim.Text);
        WriteHeader(output, (byte)'=', 4L + textBytes);
        output.Write(format);
        WriteUtf8(output, verbatim.Text, textBytes);
        WriteCrlf(output);
    }

    private static void WriteBlob(IBufferWriter<byte> output, byte prefix, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var length = Encoding.UTF8.GetByteCount(text);
        WriteHeader(output, prefix, length);
        WriteUtf8(output, text, length);
        WriteCrlf(output);
    }

    private static void WriteLine(IBufferWriter<byte> output, byte prefix, string text)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(text);
        var length = Encoding.UTF8.GetByteCount(text);
        var span = output.GetSpan(length + 3);
        span[0] = prefix;
        var line = span.Slice(1, Encoding.UTF8.GetBytes(text, span[1..]));
        line.Replace((byte)'\r', (byte)' ');
        line.Replace((byte)'\n', (byte)' ');
        span[length + 1] = (byte)'\r';
        span[length + 2] = (byte)'\n';
        output.Advance(length + 3);
    }

    private static void WriteLine(IBufferWriter<byte> output, byte prefix, ReadOnlySpan<byte> text)
    {
        ArgumentNullException.ThrowIfNull(output);
        var span = output.GetSpan(text.Length + 3);
        span[0] = prefix;
        var line = span.Slice(1, text.Length);
        text.CopyTo(line);
        line.Replace((byte)'\r', (byte)' ');
        line.Replace((byte)'\n', (byte)' ');
        span[text.Length + 1] = (byte)'\r';
        span[text.Length + 2] = (byte)'\n';
        output.Advance(text.Length + 3);
    }

    private static void WriteUtf8(IBufferWriter<byte> output, string text, int byteCount)
    {
        // One span when the writer can give it; otherwise let the encoder spill across segments.
        var span = output.GetSpan();
        if (span.Length >= byteCount)
        {
            output.Advance(Encoding.UTF8.GetBytes(text, span));
        }
        else
        {
            Encoding.UTF8.GetBytes(text.AsSpan(), output);
        }
    }

    private static void WriteHeader(IBufferWriter<byte> output, byte prefix, long number)
    {
        ArgumentNullException.ThrowIfNull(output);
        var span = output.GetSpan(MaxHeaderBytes);
        span[0] = prefix;
        number.TryFormat(span[1..], out var digits, default, CultureInfo.InvariantCulture);
        span[digits + 1] = (byte)'\r';
        span[digits + 2] = (byte)'\n';
        output.Advance(digits + 3);
    }

    private static void WriteCrlf(IBufferWriter<byte> output) => output.Write("\r\n"u8);
}
