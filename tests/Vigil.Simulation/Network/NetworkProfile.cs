namespace Vigil.Simulation.Network;

/// <summary>How slow and noisy the simulated network is in one run.</summary>
internal sealed record NetworkProfile(string Name, int BaseMinMs, int BaseMaxMs, double JitterMeanMs, double SpikeProbability, int SpikeMinMs, int SpikeMaxMs)
{
    public static NetworkProfile Lan { get; } = new("lan", 0, 1, 0.4, 0.003, 20, 200);
    public static NetworkProfile Datacenter { get; } = new("datacenter", 1, 4, 1.5, 0.01, 30, 400);
    public static NetworkProfile Wan { get; } = new("wan", 10, 60, 5, 0.02, 50, 600);
}
