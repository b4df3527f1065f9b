namespace Vigil.Sentinel.Text;

/// <summary>
/// Hands out one shared string per short text seen again, so a hello that repeats what the one before it said (the
/// usual case: a fleet's hellos arrive thousands of times a second and change only on a failover or an epoch) costs
/// no strings. One per core, used on its thread only.
/// </summary>
/// <remarks>
/// Texts come from the network: the set is emptied when it reaches <see cref="MaxEntries"/>, so a peer that sends
/// ever new names costs allocations, never memory.
/// </remarks>
internal sealed class TextInterner
{
    /// <summary>Longest text shared (a hostname may be 255); longer ones are copied each time.</summary>
    public const int MaxInternedChars = 256;

    /// <summary>Room for the names of a large fleet and its addresses and run ids.</summary>
    public const int MaxEntries = 16_384;

    private readonly HashSet<string> _texts = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public TextInterner() => _lookup = _texts.GetAlternateLookup<ReadOnlySpan<char>>();

    public string Get(ReadOnlySpan<char> text)
    {
        if (_lookup.TryGetValue(text, out var known)) return known;
        var fresh = text.ToString();
        if (text.Length > MaxInternedChars) return fresh;
        if (_texts.Count >= MaxEntries) _texts.Clear();
        _texts.Add(fresh);
        return fresh;
    }
}
