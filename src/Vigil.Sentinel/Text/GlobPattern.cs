namespace Vigil.Sentinel.Text;

/// <summary>Redis' glob matching (<c>stringmatchlen</c>): <c>*</c>, <c>?</c>, <c>[a-z]</c>, <c>[^x]</c>, <c>\</c> escapes.</summary>
public static class GlobPattern
{
    public static bool IsMatch(string pattern, string text, bool ignoreCase) => Match(pattern, 0, text, 0, ignoreCase);

    private static bool Match(string p, int pi, string s, int si, bool nocase)
    {
        while (pi < p.Length && si < s.Length)
        {
            switch (p[pi])
            {
                case '*':
                    while (pi + 1 < p.Length && p[pi + 1] == '*') pi++;
                    if (pi + 1 == p.Length) return true;
                    for (; si < s.Length; si++)
                    {
                        if (Match(p, pi + 1, s, si, nocase)) return true;
                    }
                    return false;
                case '?':
                    si++;
                    break;
                case '[':
                    if (!MatchClass(p, ref pi, s[si], nocase)) return false;
                    si++;
                    break;
                case '\\' when pi + 1 < p.Length:
                    pi++;
                    if (!Same(p[pi], s[si], nocase)) return false;
                    si++;
                    break;
                default:
                    if (!Same(p[pi], s[si], nocase)) return false;
                    si++;
                    break;
            }
            pi++;
            if (si == s.Length)
            {
                while (pi < p.Length && p[pi] == '*') pi++;
                break;
            }
        }
        return pi == p.Length && si == s.Length;
    }

    /// <summary>Reads <c>[...]</c> starting at <paramref name="pi"/> (left on its closing bracket).</summary>
    private static bool MatchClass(string p, ref int pi, char c, bool nocase)
    {
        pi++;
        bool negate = pi < p.Length && p[pi] == '^';
        if (negate) pi++;
        bool matched = false;
        while (true)
        {
            if (pi >= p.Length)
            {
                pi--; // unterminated class: the reference steps back onto the last character
                break;
            }
            if (p[pi] == '\\' && pi + 1 < p.Length)
            {
                pi++;
                if (p[pi] == c) matched = true;
            }
            else if (p[pi] == ']')
            {
                break;
            }
            else if (pi + 2 < p.Length && p[pi + 1] == '-')
            {
                char start = p[pi], end = p[pi + 2], ch = c;
                if (start > end) (start, end) = (end, start);
                if (nocase)
                {
                    start = char.ToLowerInvariant(start);
                    end = char.ToLowerInvariant(end);
                    ch = char.ToLowerInvariant(ch);
                }
                pi += 2;
                if (ch >= start && ch <= end) matched = true;
            }
            else if (Same(p[pi], c, nocase))
            {
                matched = true;
            }
            pi++;
        }
        return negate ? !matched : matched;
    }

    private static bool Same(char a, char b, bool nocase) =>
        a == b || (nocase && char.ToLowerInvariant(a) == char.ToLowerInvariant(b));
}
