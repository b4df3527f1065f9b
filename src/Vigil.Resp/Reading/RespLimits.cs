namespace Vigil.Resp;

/// <summary>
/// Bounds for <see cref="RespReader"/>. Every length a peer announces is checked against these before
/// anything is allocated, so a hostile or corrupt header cannot make the reader reserve memory.
/// Use <c>new RespLimits()</c> or <see cref="Default"/>: <c>default(RespLimits)</c> has every limit at zero.
/// </summary>
public readonly record struct RespLimits
{
    public RespLimits() { }

    public static RespLimits Default { get; } = new();

    /// <summary>How many aggregates (arrays, maps, sets, pushes, attributes) may be open at once.</summary>
    public int MaxDepth { get; init; } = 128;

    /// <summary>Longest bulk string, verbatim string or blob error payload.</summary>
    public int MaxBulkBytes { get; init; } = 512 * 1024 * 1024;

    /// <summary>Most elements one aggregate may announce (a map counts its entries, not keys and values).</summary>
    public int MaxAggregateLength { get; init; } = 16 * 1024 * 1024;

    /// <summary>Longest header or simple line (status, error, number), without its CRLF.</summary>
    public int MaxLineBytes { get; init; } = 64 * 1024;

    /// <summary>Most bytes one whole top-level frame may span.</summary>
    public long MaxFrameBytes { get; init; } = 1024L * 1024 * 1024;
}
