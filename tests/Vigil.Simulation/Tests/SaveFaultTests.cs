using Vigil.Sentinel.State;
using Vigil.Simulation.Sentinels;
using Vigil.Simulation.World;

namespace Vigil.Simulation.Tests;

/// <summary>
/// A sentinel killed between a vote and the save of that vote: the vote must not have been announced, or the
/// restarted sentinel (whose file does not hold the vote) could vote again in the same epoch for someone else.
/// </summary>
public sealed class SaveFaultTests
{
    [Fact]
    public void ASentinelKilledBetweenAVoteAndItsSaveNeverAnnouncedTheVote()
    {
        var world = DirectedWorlds.ThreeSentinelsOneReplica();
        var master = world.Redis[0];
        SentinelNode? victim = null;
        foreach (var sentinel in world.Sentinels)
        {
            // The first save that records a vote for another sentinel is never written: the process dies first.
            sentinel.KillBeforeSave = state =>
            {
                if (victim is not null || !HoldsVoteForAnother(state, sentinel.MyId)) return false;
                victim = sentinel;
                world.Queue.After(1000, sentinel.Start);
                return true;
            };
        }
        world.Boot();
        world.Queue.RunUntil(5000);

        master.Freeze(20000);
        // The checker holds every rule while this runs: one vote per epoch in the replies, epochs never back.
        var violation = Record.Exception(() => world.Queue.RunUntil(60000));

        Assert.True(violation is null, violation?.Message);
        Assert.NotNull(victim);
        // The reply that carried the vote died with the process, and the file still holds no vote of that epoch.
        string lost = Assert.Single(victim.RepliesLost);
        Assert.Contains("is-master-down-by-addr", lost, StringComparison.Ordinal);
        Assert.Contains(world.Sentinels, s => s != victim && lost.Contains(s.MyId, StringComparison.Ordinal));
        // The group still failed over without that vote, and every sentinel names the promoted replica.
        var promoted = world.Redis[1];
        foreach (var sentinel in world.Sentinels)
        {
            var address = Assert.IsType<Vigil.Resp.RespArray>(sentinel.Execute("get-master-addr-by-name", "mymaster"));
            Assert.Equal(promoted.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ((Vigil.Resp.RespBulkString)address.Items[1]).Text);
        }
    }

    private static bool HoldsVoteForAnother(SentinelState state, string myId) =>
        state.Masters.Any(m => m.LeaderEpoch > 0 && m.Leader is { } leader && !leader.Equals(myId, StringComparison.OrdinalIgnoreCase));
}
