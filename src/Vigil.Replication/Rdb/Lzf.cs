namespace Vigil.Replication.Rdb;

/// <summary>
/// LZF decompression, for strings Redis stored compressed (keys among them). The format: a control byte
/// under 32 starts a literal run of control+1 bytes; otherwise its top three bits are a length (7 means
/// one more length byte follows, added) and the rest with the next byte a back-reference distance.
/// </summary>
public static class Lzf
{
    /// <summary>Decompresses into exactly <paramref name="output"/>.Length bytes; false when the input is corrupt.</summary>
    public static bool TryDecompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var i = 0;
        var o = 0;
        while (i < input.Length)
        {
            int control = input[i++];
            if (control < 32)
            {
                var run = control + 1;
                if (i + run > input.Length || o + run > output.Length) return false;
                input.Slice(i, run).CopyTo(output[o..]);
                i += run;
                o += run;
                continue;
            }
            var length = control >> 5;
            if (length == 7)
            {
                if (i >= input.Length) return false;
                length += input[i++];
            }
            length += 2;
            if (i >= input.Length) return false;
            var back = o - ((control & 0x1f) << 8) - input[i++] - 1;
            if (back < 0 || o + length > output.Length) return false;
            // Byte by byte: the reference may overlap what it produces (a run).
            for (var k = 0; k < length; k++) output[o++] = output[back + k];
        }
        return o == output.Length;
    }
}
