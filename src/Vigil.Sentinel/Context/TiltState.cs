namespace Vigil.Sentinel;

/// <summary>Whether this sentinel is in TILT and since when (compatibility-rules §2.2); kept by <c>TiltMonitor</c>.</summary>
internal sealed class TiltState(long startNowMs)
{
    public bool Active { get; set; }
    public long StartedAtMs { get; set; }

    /// <summary>The host time of the previous tick (TILT compares host times: the host's clock is what may jump).</summary>
    public long PreviousTickHostMs { get; set; } = startNowMs;

    /// <summary>False until the first tick: before it <see cref="PreviousTickHostMs"/> is the construction time.</summary>
    public bool HasTicked { get; set; }
}
