namespace Vigil.Simulation.Sentinels;

/// <summary>
/// A sentinel's own clock: true simulated time, scaled by a drift (parts per million) and shifted by jumps. The
/// core only ever sees this clock; the host's timers run on true time, as a monotonic timer would.
/// </summary>
internal sealed class SimClock(long startLocalMs, int driftPpm)
{
    private long _baseTrueMs;
    private long _baseLocalMs = startLocalMs;

    public int DriftPpm { get; private set; } = driftPpm;

    public long LocalAt(long trueMs) => _baseLocalMs + (trueMs - _baseTrueMs) + (trueMs - _baseTrueMs) * DriftPpm / 1_000_000;

    /// <summary>Steps the clock by <paramref name="deltaMs"/> (negative: backwards).</summary>
    public void Jump(long trueNowMs, long deltaMs)
    {
        Rebase(trueNowMs);
        _baseLocalMs += deltaMs;
    }

    public void SetDrift(long trueNowMs, int driftPpm)
    {
        Rebase(trueNowMs);
        DriftPpm = driftPpm;
    }

    /// <summary>How much true time passes while this clock advances <paramref name="localMs"/> (rounded up).</summary>
    public long TrueDurationFor(long localMs)
    {
        if (localMs <= 0) return 0;
        long scale = 1_000_000 + DriftPpm;
        return (localMs * 1_000_000 + scale - 1) / scale;
    }

    private void Rebase(long trueNowMs)
    {
        _baseLocalMs = LocalAt(trueNowMs);
        _baseTrueMs = trueNowMs;
    }
}
