namespace Vigil.Server.Memory;

/// <summary>
/// When to hand the old generations back: once they hold at least <see cref="MinimumGrowthBytes"/>, and a quarter, more
/// than right after the last trim. Objects promoted during a burst (a start with 1,000 masters queues thousands of
/// replies for a few seconds) die in generation 2 and the large object heap, which only a full collection empties; a
/// sentinel at rest promotes almost nothing, so the collector's own budget may not call one for hours, and the process
/// keeps the burst's peak. The growth rule bounds how often a trim can happen: a heap that really grows is trimmed a
/// logarithmic number of times, a heap at rest never.
/// </summary>
public sealed class HeapTrimPolicy
{
    /// <summary>Growth below this is never worth a full collection's pause.</summary>
    public const long MinimumGrowthBytes = 8L << 20;

    private long _afterLastTrim;

    /// <summary>Whether a trim is due, given how many bytes the old generations hold now.</summary>
    public bool IsDue(long oldGenerationBytes) =>
        oldGenerationBytes - _afterLastTrim >= Math.Max(MinimumGrowthBytes, _afterLastTrim / 4);

    /// <summary>Records what the old generations held right after a trim: the next one is measured from there.</summary>
    public void Trimmed(long oldGenerationBytes) => _afterLastTrim = oldGenerationBytes;
}
