namespace Vigil.Resp;

/// <summary>
/// Splits an inline request line into arguments with the rules of Redis's <c>sdssplitargs</c>:
/// blanks separate arguments; "double quotes" understand <c>\n \r \t \b \a \xHH</c> and <c>\</c> before
/// any other character; 'single quotes' understand only <c>\'</c>; a closing quote must be followed by a
/// blank or the end of the line; a quote may open in the middle of an argument. A NUL byte ends the line.
/// </summary>
internal static class InlineSplitter
{
    /// <summary>The arguments, or null when the quotes do not balance.</summary>
    public static byte[][]? TrySplit(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty)
        {
            return [];
        }
        // No argument is longer than the line it came from (escapes only shrink).
        var scratch = System.Buffers.ArrayPool<byte>.Shared.Rent(line.Length);
        try
        {
            return Split(line, scratch);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static byte[][]? Split(ReadOnlySpan<byte> line, byte[] scratch)
    {
        var args = new List<byte[]>();
        var p = 0;
        while (true)
        {
            while (IsSpace(At(line, p)))
            {
                p++;
            }
            if (At(line, p) == 0)
            {
                return args.ToArray();
            }
            var inDoubleQuotes = false;
            var inSingleQuotes = false;
            var done = false;
            var length = 0;
            while (!done)
            {
                var c = At(line, p);
                if (inDoubleQuotes)
                {
                    if (c == (byte)'\\' && At(line, p + 1) == (byte)'x' && IsHex(At(line, p + 2)) && IsHex(At(line, p + 3)))
                    {
                        scratch[length++] = (byte)(HexValue(At(line, p + 2)) * 16 + HexValue(At(line, p + 3)));
                        p += 3;
                    }
                    else if (c == (byte)'\\' && At(line, p + 1) != 0)
                    {
                        p++;
                        scratch[length++] = At(line, p) switch
                        {
                            (byte)'n' => (byte)'\n',
                            (byte)'r' => (byte)'\r',
                            (byte)'t' => (byte)'\t',
                            (byte)'b' => (byte)'\b',
                            (byte)'a' => (byte)'\a',
                            var other => other,
                        };
                    }
                    else if (c == (byte)'"')
                    {
                        if (At(line, p + 1) != 0 && !IsSpace(At(line, p + 1)))
                        {
                            return null;
                        }
                        done = true;
                    }
                    else if (c == 0)
                    {
                        return null;
                    }
                    else
                    {
                        scratch[length++] = c;
                    }
                }
                else if (inSingleQuotes)
                {
                    if (c == (byte)'\\' && At(line, p + 1) == (byte)'\'')
                    {
                        p++;
                        scratch[length++] = (byte)'\'';
                    }
                    else if (c == (byte)'\'')
                    {
                        if (At(line, p + 1) != 0 && !IsSpace(At(line, p + 1)))
                        {
                            return null;
                        }
                        done = true;
                    }
                    else if (c == 0)
                    {
                        return null;
                    }
                    else
                    {
                        scratch[length++] = c;
                    }
                }
                else
                {
                    switch (c)
                    {
                        // Only these end an unquoted argument; \v and \f are kept inside it.
                        case (byte)' ':
                        case (byte)'\n':
                        case (byte)'\r':
                        case (byte)'\t':
                        case 0:
                            done = true;
                            break;
                        case (byte)'"':
                            inDoubleQuotes = true;
                            break;
                        case (byte)'\'':
                            inSingleQuotes = true;
                            break;
                        default:
                            scratch[length++] = c;
                            break;
                    }
                }
                if (At(line, p) != 0)
                {
                    p++;
                }
            }
            args.Add(scratch.AsSpan(0, length).ToArray());
        }
    }

    /// <summary>The byte at <paramref name="index"/>, or NUL past the end (the C string's terminator).</summary>
    private static byte At(ReadOnlySpan<byte> line, int index) => index < line.Length ? line[index] : (byte)0;

    /// <summary>C's isspace in the C locale.</summary>
    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';

    private static bool IsHex(byte c) => char.IsAsciiHexDigit((char)c);

    private static int HexValue(byte c) => c <= (byte)'9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
