namespace Vigil.Migration.Replication;

/// <summary>
/// The source's replication offset over time, to tell how far behind a replica is in seconds: a replica at
/// offset T has everything the source had written by the last moment its offset was still at most T.
/// </summary>
public sealed class OffsetHistory
{
    /// <summary>Samples kept: enough for minutes of lag at the polling rate, bounded.</summary>
    public const int MaxSamples = 4096;

    private readonly List<(double AtSeconds, long Offset)> _samples = [];

    public long Latest => _samples.Count == 0 ? 0 : _samples[^1].Offset;

    public void Add(double atSeconds, long offset)
    {
        if (_samples.Count == MaxSamples) _samples.RemoveAt(0);
        _samples.Add((atSeconds, offset));
    }

    /// <summary>An upper bound of how long ago the source was at <paramref name="replicaOffset"/>; 0 when the replica is level.</summary>
    public double LagSeconds(long replicaOffset, double nowSeconds)
    {
        if (_samples.Count == 0 || replicaOffset >= Latest) return 0;
        for (var i = _samples.Count - 1; i >= 0; i--)
        {
            if (_samples[i].Offset <= replicaOffset) return nowSeconds - _samples[i].AtSeconds;
        }
        return nowSeconds - _samples[0].AtSeconds;
    }
}
