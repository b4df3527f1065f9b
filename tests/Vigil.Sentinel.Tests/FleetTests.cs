using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;

namespace Vigil.Sentinel.Tests;

/// <summary>Many masters at once: saves for discovery are paced.</summary>
public sealed class FleetTests
{
    private const int Masters = 30;

    private static SimulatedHost Fleet()
    {
        var masters = Enumerable.Range(0, Masters).Select(i => Master($"m{i}", $"10.0.1.{i + 1}", 7000)).ToArray();
        var host = new SimulatedHost(ConfigOf(masters));
        for (int i = 0; i < Masters; i++)
        {
            host.AddNode($"10.0.1.{i + 1}", 7000, MasterInfo(RunId('m'), ($"10.0.2.{i + 1}", 7000)));
            host.AddNode($"10.0.2.{i + 1}", 7000, ReplicaInfo(RunId('r'), $"10.0.1.{i + 1}", 7000));
        }
        return host;
    }

    [Fact]
    public void DiscoveringManyReplicasSavesAtABoundedRateAndLosesNone()
    {
        var host = Fleet();
        host.Tick(StartMs);
        host.RunFor(300);
        Assert.Equal(Masters, host.Events("+slave").Count());
        // The start-up save, then at most ten for discovery in the first second.
        Assert.InRange(host.EffectsOf<PersistState>().Count(), 2, 1 + Limits.DiscoverySavesPerWindow);

        host.RunFor(1000);
        var saved = host.EffectsOf<PersistState>().Last().State;
        Assert.All(saved.Masters, m => Assert.Single(m.KnownReplicas));
    }
}
