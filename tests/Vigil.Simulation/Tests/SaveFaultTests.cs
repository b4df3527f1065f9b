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
        var (world, victim) = KillTheFirstVoterForAnother(saveDelayMs: null);

        // The request whose reply would have carried the vote was never answered: it died with the process.
        Assert.Contains(victim.RepliesLost, lost => lost.Contains("is-master-down-by-addr", StringComparison.Ordinal)
            && world.Sentinels.Any(s => s != victim && lost.Contains(s.MyId, StringComparison.Ordinal)));
    }

    [Fact]
    public void ASentinelKilledWhileItsVoteIsBeingWrittenVotesOncePerEpoch()
    {
        // Saves take 5-40 ms to reach the disk; the core holds the vote's reply until its save is confirmed.
        var random = new Random(7);
        var (_, victim) = KillTheFirstVoterForAnother(saveDelayMs: () => 5 + random.Next(36));

        Assert.Contains(victim.RepliesLost, lost => lost.Contains("is-master-down-by-addr", StringComparison.Ordinal));
        Assert.True(victim.Running);
    }

    /// <summary>
    /// Three sentinels, the master frozen: the first sentinel to save a vote for another is killed before that save
    /// is written, and restarted. The checker holds every rule meanwhile (one vote per epoch in the replies, epochs
    /// never back), and the group still fails over, every sentinel naming the promoted replica.
    /// </summary>
    private static (SimWorld World, SentinelNode Victim) KillTheFirstVoterForAnother(Func<long>? saveDelayMs)
    {
        var world = DirectedWorlds.ThreeSentinelsOneReplica();
        var master = world.Redis[0];
        SentinelNode? victim = null;
        foreach (var sentinel in world.Sentinels)
        {
            sentinel.SaveDelayMs = saveDelayMs;
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
        var violation = Record.Exception(() => world.Queue.RunUntil(60000));

        Assert.True(violation is null, violation?.Message);
        Assert.NotNull(victim);
        var promoted = world.Redis[1];
        foreach (var sentinel in world.Sentinels)
        {
            var address = Assert.IsType<Vigil.Resp.RespArray>(sentinel.Execute("get-master-addr-by-name", "mymaster"));
            Assert.Equal(promoted.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ((Vigil.Resp.RespBulkString)address.Items[1]).Text);
        }
        return (world, victim);
    }

    private static bool HoldsVoteForAnother(SentinelState state, string myId) =>
        state.Masters.Any(m => m.LeaderEpoch > 0 && m.Leader is { } leader && !leader.Equals(myId, StringComparison.OrdinalIgnoreCase));
}
