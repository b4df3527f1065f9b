namespace Vigil.Server.PubSub;

/// <summary>Redis glob matching (<c>*</c>, <c>?</c>, <c>[a-z]</c>, <c>[^x]</c>, <c>\</c> escapes), as PSUBSCRIBE uses it.</summary>
public static class GlobPattern
{
    public static bool IsMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text, bool ignoreCase = false)
    {
        while (pattern.Length > 0)
        {
            switch (pattern[0])
            {
                case '*':
                    while (pattern.Length > 1 && pattern[1] == '*') pattern = pattern[1..];
                    if (pattern.Length == 1) return true;
                    for (var i = 0; i <= text.Length; i++)
                    {
                        if (IsMatch(pattern[1..], text[i..], ignoreCase)) return true;
                    }
                    return false;
                case '?':
                    if (text.Length == 0) return false;
                    text = text[1..];
                    pattern = pattern[1..];
                    break;
                case '[':
                    if (text.Length == 0) return false;
                    if (!MatchClass(ref pattern, text[0], ignoreCase)) return false;
                    text = text[1..];
                    break;
                default:
                    var literal = pattern[0];
                    if (literal == '\\' && pattern.Length >= 2)
                    {
                        pattern = pattern[1..];
                        literal = pattern[0];
                    }
                    if (text.Length == 0 || !SameChar(literal, text[0], ignoreCase)) return false;
                    text = text[1..];
                    pattern = pattern[1..];
                    break;
            }
        }
        return text.Length == 0;
    }

    // Consumes the [...] class from the pattern and says whether c is in it.
    private static bool MatchClass(ref ReadOnlySpan<char> pattern, char c, bool ignoreCase)
    {
        pattern = pattern[1..];
        var negate = pattern.Length > 0 && pattern[0] == '^';
        if (negate) pattern = pattern[1..];
        var matched = false;
        while (pattern.Length > 0 && pattern[0] != ']')
        {
            if (pattern[0] == '\\' && pattern.Length >= 2)
            {
                pattern = pattern[1..];
                if (SameChar(pattern[0], c, ignoreCase)) matched = true;
                pattern = pattern[1..];
            }
            else if (pattern.Length >= 3 && pattern[1] == '-')
            {
                var start = pattern[0];
                var end = pattern[2];
                if (start > end) (start, end) = (end, start);
                var probe = ignoreCase ? char.ToLowerInvariant(c) : c;
                if (ignoreCase) { start = char.ToLowerInvariant(start); end = char.ToLowerInvariant(end); }
                if (probe >= start && probe <= end) matched = true;
                pattern = pattern[3..];
            }
            else
            {
                if (SameChar(pattern[0], c, ignoreCase)) matched = true;
                pattern = pattern[1..];
            }
        }
        if (pattern.Length > 0) pattern = pattern[1..]; // the closing ']'
        return negate ? !matched : matched;
    }

    private static bool SameChar(char a, char b, bool ignoreCase) =>
        ignoreCase ? char.ToLowerInvariant(a) == char.ToLowerInvariant(b) : a == b;
}
