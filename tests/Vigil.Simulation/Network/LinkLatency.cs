namespace Vigil.Simulation.Network;

/// <summary>
/// The delay distribution of one direction between two hosts: a base, an exponential jitter, and rare spikes
/// (a retransmission, a busy switch). <see cref="SlowFactor"/> multiplies it while a delay fault is active.
/// </summary>
internal sealed class LinkLatency
{
    public int BaseMs { get; init; }
    public double JitterMeanMs { get; init; }
    public double SpikeProbability { get; init; }
    public int SpikeMinMs { get; init; }
    public int SpikeMaxMs { get; init; }
    public int SlowFactor { get; set; } = 1;

    public long Sample(Random random)
    {
        double jitter = -Math.Log(1.0 - random.NextDouble()) * JitterMeanMs;
        long delay = BaseMs + (long)jitter;
        if (SpikeProbability > 0 && random.NextDouble() < SpikeProbability) delay += random.Next(SpikeMinMs, SpikeMaxMs + 1);
        return delay * SlowFactor;
    }
}
