using System.Security.Cryptography;
using System.Text;
using Vigil.Simulation.Running;
using Vigil.Simulation.World;
using Xunit.Abstractions;

namespace Vigil.Simulation.Tests;

public sealed class SimulationCampaignTests(ITestOutputHelper output)
{
    /// <summary>The CI campaign: many short seeds of every size, every fault, every invariant.</summary>
    private const int CiSeeds = 2000;

    [Fact]
    public void TwoThousandSeededWorldsKeepEveryInvariant()
    {
        var options = new CampaignOptions { FirstSeed = 1, SeedCount = CiSeeds, MaxFailures = 5, TailLines = 200 };
        var summary = Campaign.Run(options);
        output.WriteLine(summary.Format());
        Console.WriteLine(summary.Format());
        foreach (var failure in summary.Failures) output.WriteLine(Campaign.Describe(failure, options));

        Assert.True(summary.Failures.Count == 0,
            $"{summary.Failures.Count} seeds failed; first: seed {summary.Failures.FirstOrDefault()?.Seed} "
            + $"[{summary.Failures.FirstOrDefault()?.Invariant}] {summary.Failures.FirstOrDefault()?.Detail}; "
            + $"replay with: {options.ReplayCommand(summary.Failures.FirstOrDefault()?.Seed ?? 0)}");
        Assert.Equal(CiSeeds, summary.Seeds);
    }

    [Fact]
    public void ASeedReplaysToTheSameTraceEveryTime()
    {
        string first = TraceHash(4242), second = TraceHash(4242), other = TraceHash(4243);

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void CampaignsCoverEveryFaultAndSeveralScenarioShapes()
    {
        var summary = Campaign.Run(new CampaignOptions { FirstSeed = 90001, SeedCount = 300, Threads = 2 });

        Assert.Empty(summary.Failures);
        foreach (var kind in Enum.GetValues<Faults.FaultKind>()) Assert.True(summary.Faults.GetValueOrDefault(kind) > 0, $"{kind} never injected");
        Assert.True(summary.Stats.Tilts > 0, "no TILT in 300 seeds");
        Assert.True(summary.Stats.ObjectiveDowns > 0, "no ODOWN in 300 seeds");
        Assert.True(summary.Stats.HostnameLookups > 0 && summary.Stats.HostnameFailures > 0, "no hostname lookup, or none failed, in 300 seeds");
        Assert.True(summary.WritesAcked > 0);
    }

    private static string TraceHash(int seed)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var world = new SimWorld(seed, new SimWorldOptions { LiveTrace = line => hash.AppendData(Encoding.UTF8.GetBytes(line)) });
        var result = world.Run();
        Assert.True(result.Passed, $"seed {seed}: [{result.Invariant}] {result.Detail}");
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
