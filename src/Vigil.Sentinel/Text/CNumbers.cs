namespace Vigil.Sentinel.Text;

/// <summary>
/// Number parsing with the exact leniency of what the reference uses on each path: <c>atoi</c>/<c>strtoll</c>
/// (leading digits, garbage after them ignored, 0 when none) for INFO and hello fields, and Redis'
/// <c>string2ll</c> (the whole string, no '+', no leading zeros) for command arguments.
/// </summary>
internal static class CNumbers
{
    /// <summary><c>strtoll</c>: optional spaces and sign, then digits; stops at the first other character.</summary>
    public static long StrToLong(ReadOnlySpan<char> text)
    {
        int i = 0;
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        bool negative = false;
        if (i < text.Length && (text[i] == '-' || text[i] == '+'))
        {
            negative = text[i] == '-';
            i++;
        }
        long value = 0;
        for (; i < text.Length && text[i] is >= '0' and <= '9'; i++)
        {
            int digit = text[i] - '0';
            if (value > (long.MaxValue - digit) / 10) return negative ? long.MinValue : long.MaxValue;
            value = value * 10 + digit;
        }
        return negative ? -value : value;
    }

    /// <summary><c>atoi</c>, saturated to the int range.</summary>
    public static int Atoi(ReadOnlySpan<char> text) => (int)Math.Clamp(StrToLong(text), int.MinValue, int.MaxValue);

    /// <summary><c>strtoull</c>: like <see cref="StrToLong"/>, a negative value wraps as in C.</summary>
    public static ulong StrToULong(ReadOnlySpan<char> text)
    {
        int i = 0;
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        bool negative = false;
        if (i < text.Length && (text[i] == '-' || text[i] == '+'))
        {
            negative = text[i] == '-';
            i++;
        }
        ulong value = 0;
        for (; i < text.Length && text[i] is >= '0' and <= '9'; i++)
        {
            ulong digit = (ulong)(text[i] - '0');
            if (value > (ulong.MaxValue - digit) / 10) return ulong.MaxValue;
            value = value * 10 + digit;
        }
        return negative ? unchecked(0 - value) : value;
    }

    /// <summary>Redis' <c>string2ll</c>: the whole text must be a canonical integer.</summary>
    public static bool TryParseStrict(string text, out long value)
    {
        value = 0;
        if (text.Length == 0 || text.Length > 20) return false;
        if (text == "0") return true;
        int i = 0;
        bool negative = false;
        if (text[0] == '-')
        {
            negative = true;
            i = 1;
            if (text.Length == 1) return false;
        }
        if (text[i] is < '1' or > '9') return false;
        ulong magnitude = 0;
        for (; i < text.Length; i++)
        {
            if (text[i] is < '0' or > '9') return false;
            ulong digit = (ulong)(text[i] - '0');
            if (magnitude > (ulong.MaxValue - digit) / 10) return false;
            magnitude = magnitude * 10 + digit;
        }
        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1) return false;
            value = unchecked(-(long)magnitude);
        }
        else
        {
            if (magnitude > long.MaxValue) return false;
            value = (long)magnitude;
        }
        return true;
    }
}
