using Vigil.Simulation.Running;
using Vigil.Simulation.World;

namespace Vigil.Simulation.Tests;

/// <summary>
/// The checker is only worth something if it catches a broken core. The core cannot be broken on purpose, so a
/// test double at the seam breaks one sentinel's behaviour and the ordinary campaign must notice within a few seeds.
/// </summary>
public sealed class BrokenCoreDetectionTests
{
    [Fact]
    public void ASentinelThatVotesTwiceInOneEpochIsCaughtWithinAFewSeeds() =>
        // The double vote itself, or its consequence when it is seen first: two winners in the epoch, or a winner
        // counting the vote it was promised while the checker saw that vote go to another (seed 4).
        AssertCaught("equivocate", ["one-vote-per-epoch", "one-leader-per-epoch", "leader-needs-majority"], maxSeeds: 60);

    [Fact]
    public void ASentinelThatNeverEntersTiltIsCaughtWithinAFewSeeds() =>
        AssertCaught("hide-tilt", ["tilt-on-clock-gap"], maxSeeds: 20);

    [Fact]
    public void ASentinelThatNeverLearnsItsPeersFailsLiveness() =>
        AssertCaught("deaf", ["liveness"], maxSeeds: 3);

    private static void AssertCaught(string mode, string[] invariants, int maxSeeds)
    {
        var options = new CampaignOptions { Broken = mode };
        for (int seed = 1; seed <= maxSeeds; seed++)
        {
            var result = new SimWorld(seed, options.WorldOptions()).Run();
            if (result.Passed) continue;
            Assert.True(invariants.Contains(result.Invariant), $"seed {seed} broke [{result.Invariant}] {result.Detail}, expected [{string.Join("] or [", invariants)}]");
            return;
        }
        Assert.Fail($"a '{mode}' sentinel went unnoticed for {maxSeeds} seeds");
    }
}
