using Vigil.Sentinel.Config;

namespace Vigil.Sentinel.Text;

/// <summary>
/// The reference reads numbers with several C functions that accept different inputs (<c>atoi</c> takes
/// "12abc", <c>string2ll</c> refuses "+1", <c>memtoull</c> takes "1gb"): config files, command arguments, INFO
/// fields and hello fields each go through a particular one. Reading exactly what the reference reads means
/// reproducing each; the name of each method says which, and what it does on overflow.
/// </summary>
/// <remarks>
/// Overflow rules: <see cref="TryParseStrict"/> refuses; <see cref="StrToLong(ReadOnlySpan{char}, int, out bool, out bool)"/>
/// and <see cref="StrToULong"/> saturate (as C does); <see cref="Atoi"/> wraps the saturated long to an int (glibc);
/// <see cref="AtoiSaturating"/> clamps to the int range (INFO and hello fields, where a wrapped port or priority
/// would be a different valid-looking number).
/// </remarks>
internal static class RedisNumbers
{
    /// <summary>Longest text the strict parser considers (the reference's LONG_STR_SIZE).</summary>
    private const int MaxStrictLength = 21;

    /// <summary>
    /// Strict integer (<c>string2ll</c>): optional '-', digits, no '+', no spaces, no leading zeros,
    /// no overflow.
    /// </summary>
    public static bool TryParseStrict(string text, out long value)
    {
        value = 0;
        if (text.Length == 0 || text.Length >= MaxStrictLength) return false;
        if (text == "0") return true;

        int i = 0;
        bool negative = false;
        if (text[0] == '-')
        {
            negative = true;
            i++;
            if (i == text.Length) return false;
        }
        if (text[i] < '1' || text[i] > '9') return false;

        ulong magnitude = 0;
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (c < '0' || c > '9') return false;
            if (magnitude > ulong.MaxValue / 10) return false;
            magnitude *= 10;
            if (magnitude > ulong.MaxValue - (ulong)(c - '0')) return false;
            magnitude += (ulong)(c - '0');
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

    /// <summary>
    /// C <c>strtoll</c>: leading white space, optional sign, digits of <paramref name="radix"/> (8 or 10)
    /// up to the first other character; saturates on overflow. <paramref name="consumedAll"/> is what
    /// the reference tests as <c>*endptr == '\0'</c> (true for the empty string).
    /// </summary>
    public static long StrToLong(ReadOnlySpan<char> text, int radix, out bool consumedAll, out bool overflow)
    {
        ulong magnitude = ParseMagnitude(text, radix, out bool negative, out consumedAll, out bool tooBig);
        ulong limit = negative ? (ulong)long.MaxValue + 1 : long.MaxValue;
        overflow = tooBig || magnitude > limit;
        if (overflow) return negative ? long.MinValue : long.MaxValue;
        return negative ? unchecked(-(long)magnitude) : (long)magnitude;
    }

    /// <summary>C <c>strtoll</c> in base 10, where only the value matters (INFO fields).</summary>
    public static long StrToLong(ReadOnlySpan<char> text) => StrToLong(text, 10, out _, out _);

    /// <summary>C <c>strtoull</c> in base 10: a leading '-' negates modulo 2^64; saturates on overflow.</summary>
    public static ulong StrToULong(ReadOnlySpan<char> text)
    {
        ulong magnitude = ParseMagnitude(text, 10, out bool negative, out _, out bool tooBig);
        if (tooBig) return ulong.MaxValue;
        return negative ? unchecked(0UL - magnitude) : magnitude;
    }

    /// <summary>C <c>atoi</c> as glibc does it: <c>(int)strtol(text, NULL, 10)</c>.</summary>
    public static int Atoi(ReadOnlySpan<char> text) => unchecked((int)StrToLong(text, 10, out _, out _));

    /// <summary><c>atoi</c> clamped to the int range instead of wrapped (INFO and hello fields).</summary>
    public static int AtoiSaturating(ReadOnlySpan<char> text) => (int)Math.Clamp(StrToLong(text), int.MinValue, int.MaxValue);

    /// <summary>
    /// Memory size (<c>memtoull</c>): digits then an optional unit b, k, kb, m, mb, g, gb (any case;
    /// k = 1000, kb = 1024). No sign. The empty string reads as 0.
    /// </summary>
    public static bool TryParseMemory(string text, out ulong bytes)
    {
        bytes = 0;
        if (text.Length > 0 && text[0] == '-') return false;

        int unitStart = 0;
        while (unitStart < text.Length && char.IsAsciiDigit(text[unitStart])) unitStart++;

        ulong multiplier;
        switch (text[unitStart..].ToLowerInvariant())
        {
            case "":
            case "b": multiplier = 1; break;
            case "k": multiplier = 1000; break;
            case "kb": multiplier = 1024; break;
            case "m": multiplier = 1000 * 1000; break;
            case "mb": multiplier = 1024 * 1024; break;
            case "g": multiplier = 1000UL * 1000 * 1000; break;
            case "gb": multiplier = 1024UL * 1024 * 1024; break;
            default: return false;
        }

        // The reference copies the digits into a 128-byte buffer first.
        if (unitStart >= 128) return false;
        ulong value = 0;
        foreach (char c in text.AsSpan(0, unitStart))
        {
            ulong digit = (ulong)(c - '0');
            value = value > (ulong.MaxValue - digit) / 10 ? ulong.MaxValue : value * 10 + digit;
        }
        bytes = unchecked(value * multiplier);
        return true;
    }

    /// <summary><c>yes</c> → 1, <c>no</c> → 0 (any case), anything else → -1.</summary>
    public static int YesNo(string text) =>
        text.Equals("yes", StringComparison.OrdinalIgnoreCase) ? 1
        : text.Equals("no", StringComparison.OrdinalIgnoreCase) ? 0
        : -1;

    /// <summary>An unsigned 64-bit epoch as a long; values past long.MaxValue (e.g. from "-1") saturate.</summary>
    public static long SaturateToLong(ulong value) => value > long.MaxValue ? long.MaxValue : (long)value;

    private static ulong ParseMagnitude(ReadOnlySpan<char> text, int radix, out bool negative, out bool consumedAll, out bool tooBig)
    {
        negative = false;
        tooBig = false;
        int i = 0;
        while (i < text.Length && ConfigLexer.IsCSpace(text[i])) i++;
        if (i < text.Length && (text[i] == '+' || text[i] == '-'))
        {
            negative = text[i] == '-';
            i++;
        }

        int firstDigit = i;
        ulong magnitude = 0;
        for (; i < text.Length; i++)
        {
            int digit = text[i] - '0';
            if (digit < 0 || digit >= radix) break;
            if (magnitude > (ulong.MaxValue - (ulong)digit) / (ulong)radix) tooBig = true;
            else magnitude = magnitude * (ulong)radix + (ulong)digit;
        }

        // With no digits at all C leaves endptr at the start of the text.
        consumedAll = i == firstDigit ? text.Length == 0 : i == text.Length;
        return magnitude;
    }
}
