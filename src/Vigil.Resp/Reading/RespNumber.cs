namespace Vigil.Resp;

/// <summary>Integer parsing with the rules of Redis's <c>string2ll</c>, shared by both readers.</summary>
internal static class RespNumber
{
    /// <summary>Redis rejects digit strings this long or longer before looking at them (LONG_STR_SIZE).</summary>
    public const int MaxDigitsBytes = 21;

    /// <summary>
    /// Strict decimal: optional '-', no '+', no leading zeros, no spaces, must fit a signed 64-bit value.
    /// </summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length >= MaxDigitsBytes)
        {
            return false;
        }
        if (text.Length == 1 && text[0] == (byte)'0')
        {
            return true;
        }
        var negative = text[0] == (byte)'-';
        var i = negative ? 1 : 0;
        if (i == text.Length || text[i] < (byte)'1' || text[i] > (byte)'9')
        {
            return false;
        }
        ulong magnitude = 0;
        for (; i < text.Length; i++)
        {
            var digit = (uint)(text[i] - (byte)'0');
            if (digit > 9 || magnitude > (ulong.MaxValue - digit) / 10)
            {
                return false;
            }
            magnitude = magnitude * 10 + digit;
        }
        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1)
            {
                return false;
            }
            value = (long)(0 - magnitude);
            return true;
        }
        if (magnitude > long.MaxValue)
        {
            return false;
        }
        value = (long)magnitude;
        return true;
    }

    /// <summary>Same as <see cref="TryParseInt64(ReadOnlySpan{byte}, out long)"/> over a possibly split line.</summary>
    public static bool TryParseInt64(in System.Buffers.ReadOnlySequence<byte> text, out long value)
    {
        if (text.IsSingleSegment)
        {
            return TryParseInt64(text.FirstSpan, out value);
        }
        value = 0;
        if (text.Length >= MaxDigitsBytes)
        {
            return false;
        }
        Span<byte> copy = stackalloc byte[MaxDigitsBytes];
        System.Buffers.BuffersExtensions.CopyTo(text, copy);
        return TryParseInt64(copy[..(int)text.Length], out value);
    }
}
