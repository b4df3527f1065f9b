namespace Vigil.Resp;

/// <summary>
/// Hands out one shared array per short argument value seen again (command names, subcommands, master names), so a
/// client repeating the same request does not cost an array per argument. Arguments are read, never written, by
/// whoever receives them, so sharing an array is safe across requests, sessions and threads.
/// </summary>
/// <remarks>
/// A fixed table indexed by a hash of the bytes: a slot holds the last value that hashed there, and a collision only
/// replaces it. Concurrent readers and writers are fine: a slot is one reference, and a value is used only after its
/// bytes were compared.
/// </remarks>
public static class ArgumentInterner
{
    /// <summary>Longest argument shared; longer ones are copied each time.</summary>
    public const int MaxInternedBytes = 32;

    private const int Slots = 1024;

    private static readonly byte[]?[] Table = new byte[Slots][];

    /// <summary>An array holding exactly <paramref name="value"/>: shared when short, fresh otherwise.</summary>
    public static byte[] Get(ReadOnlySpan<byte> value)
    {
        if (value.Length == 0) return [];
        if (value.Length > MaxInternedBytes) return value.ToArray();
        int slot = (int)(Hash(value) & (Slots - 1));
        var existing = Volatile.Read(ref Table[slot]);
        if (existing is not null && value.SequenceEqual(existing)) return existing;
        var fresh = value.ToArray();
        Volatile.Write(ref Table[slot], fresh);
        return fresh;
    }

    // Four bytes a step (a byte-at-a-time hash was a visible share of a pipelined query's cost); no allocation.
    private static uint Hash(ReadOnlySpan<byte> value)
    {
        var hash = new HashCode();
        hash.AddBytes(value);
        return (uint)hash.ToHashCode();
    }
}
