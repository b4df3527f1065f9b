using System.Text;

namespace Vigil.Sentinel.Config;

/// <summary>
/// Splits config text into lines and lines into words exactly as redis.conf is read (the rules of
/// Redis's <c>sdssplitargs</c>), so that a file redis-sentinel accepts reads the same here.
/// </summary>
/// <remarks>
/// Words are built as UTF-8 bytes and decoded at the end: a <c>"\xc3\xa9"</c> escape and a literal
/// <c>é</c> give the same word, as they do in Redis, which only ever sees bytes.
/// </remarks>
internal static class ConfigLexer
{
    /// <summary>Trimmed from both ends of every line before it is read (the reference's set).</summary>
    private static readonly char[] LineTrimChars = [' ', '\t', '\r', '\n'];

    /// <summary>
    /// The lines of <paramref name="text"/>, trimmed, numbered from 1 by position. Text after a NUL is
    /// ignored because the reference handles the file as a C string.
    /// </summary>
    public static IReadOnlyList<string> SplitLines(string text)
    {
        int nul = text.IndexOf('\0');
        if (nul >= 0) text = text[..nul];
        if (text.Length == 0) return [];
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++) lines[i] = lines[i].Trim(LineTrimChars);
        return lines;
    }

    /// <summary>A line is skipped when it is blank or starts with '#' (after trimming).</summary>
    public static bool IsBlankOrComment(string trimmedLine) => trimmedLine.Length == 0 || trimmedLine[0] == '#';

    /// <summary>
    /// Words of one line. Quoting: <c>"..."</c> with <c>\n \r \t \b \a \xHH</c> and <c>\&lt;any&gt;</c>
    /// escapes; <c>'...'</c> with only <c>\'</c>. A closing quote must be followed by a space or the end.
    /// Returns null for unbalanced quotes.
    /// </summary>
    public static string[]? SplitArgs(string line)
    {
        var words = new List<string>();
        var word = new WordBuffer();
        int i = 0;
        // A NUL ends the line for the reference (C strings); words can carry one from a \x00 escape.
        int n = line.IndexOf('\0') is var nul and >= 0 ? nul : line.Length;
        while (true)
        {
            while (i < n && IsCSpace(line[i])) i++;
            if (i >= n) return [.. words];

            bool inDoubleQuotes = false;
            bool inSingleQuotes = false;
            bool done = false;
            word.Clear();
            while (!done)
            {
                bool atEnd = i >= n;
                char c = atEnd ? '\0' : line[i];
                if (inDoubleQuotes)
                {
                    if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && IsHexDigit(line[i + 2]) && IsHexDigit(line[i + 3]))
                    {
                        word.AppendByte((byte)(HexValue(line[i + 2]) * 16 + HexValue(line[i + 3])));
                        i += 3;
                    }
                    else if (c == '\\' && i + 1 < n)
                    {
                        i++;
                        word.AppendChar(line[i] switch
                        {
                            'n' => '\n',
                            'r' => '\r',
                            't' => '\t',
                            'b' => '\b',
                            'a' => '\a',
                            var other => other,
                        });
                    }
                    else if (c == '"')
                    {
                        if (i + 1 < n && !IsCSpace(line[i + 1])) return null;
                        done = true;
                    }
                    else if (atEnd)
                    {
                        return null;
                    }
                    else
                    {
                        i = word.AppendTextElement(line, i);
                    }
                }
                else if (inSingleQuotes)
                {
                    if (c == '\\' && i + 1 < n && line[i + 1] == '\'')
                    {
                        i++;
                        word.AppendChar('\'');
                    }
                    else if (c == '\'')
                    {
                        if (i + 1 < n && !IsCSpace(line[i + 1])) return null;
                        done = true;
                    }
                    else if (atEnd)
                    {
                        return null;
                    }
                    else
                    {
                        i = word.AppendTextElement(line, i);
                    }
                }
                else if (atEnd || c is ' ' or '\n' or '\r' or '\t')
                {
                    done = true;
                }
                else if (c == '"')
                {
                    inDoubleQuotes = true;
                }
                else if (c == '\'')
                {
                    inSingleQuotes = true;
                }
                else
                {
                    i = word.AppendTextElement(line, i);
                }

                if (i < n) i++;
            }
            words.Add(word.ToString());
        }
    }

    /// <summary>
    /// Quotes a word the way the reference quotes command-line values (<c>sdscatrepr</c>): always in
    /// double quotes, printable ASCII as is, other bytes of the UTF-8 form as <c>\xhh</c>.
    /// </summary>
    public static string Quote(string word)
    {
        var sb = new StringBuilder(word.Length + 2);
        sb.Append('"');
        foreach (byte b in Encoding.UTF8.GetBytes(word))
        {
            switch (b)
            {
                case (byte)'\\':
                case (byte)'"':
                    sb.Append('\\').Append((char)b);
                    break;
                case (byte)'\n': sb.Append("\\n"); break;
                case (byte)'\r': sb.Append("\\r"); break;
                case (byte)'\t': sb.Append("\\t"); break;
                case (byte)'\a': sb.Append("\\a"); break;
                case (byte)'\b': sb.Append("\\b"); break;
                default:
                    if (b >= 0x20 && b < 0x7f) sb.Append((char)b);
                    else sb.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>C <c>isspace</c> in the C locale.</summary>
    public static bool IsCSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';

    private static bool IsHexDigit(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (char.ToLowerInvariant(c) - 'a') + 10;

    /// <summary>Collects one word as UTF-8 bytes.</summary>
    private sealed class WordBuffer
    {
        private readonly List<byte> _bytes = [];
        private readonly byte[] _scratch = new byte[8];

        public void Clear() => _bytes.Clear();

        public void AppendByte(byte b) => _bytes.Add(b);

        public void AppendChar(char c)
        {
            int count = Encoding.UTF8.GetBytes([c], _scratch);
            for (int k = 0; k < count; k++) _bytes.Add(_scratch[k]);
        }

        /// <summary>Appends the character at <paramref name="index"/> (both halves of a surrogate pair)
        /// and returns the index of its last UTF-16 unit.</summary>
        public int AppendTextElement(string line, int index)
        {
            int length = char.IsHighSurrogate(line[index]) && index + 1 < line.Length && char.IsLowSurrogate(line[index + 1]) ? 2 : 1;
            int count = Encoding.UTF8.GetBytes(line.AsSpan(index, length), _scratch);
            for (int k = 0; k < count; k++) _bytes.Add(_scratch[k]);
            return index + length - 1;
        }

        public override string ToString() => Encoding.UTF8.GetString([.. _bytes]);
    }
}
