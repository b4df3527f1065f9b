using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Election;

/// <summary>
/// The tally of an election this sentinel runs (compatibility-rules §6): the peers' votes in the failover epoch, plus our own vote in
/// it, cast for the most voted candidate (or for ourselves when nobody has votes yet). The reference counts votes of
/// the current epoch, which a hello or another candidate may have raised since our attempt started: such votes are
/// for another election, and counting them could make two leaders for the failover epoch.
/// </summary>
internal sealed class LeaderElection(CoreSettings settings, CoreClock clock, MonitorState monitored, LeaderVote vote)
{
    /// <summary>
    /// The winner for <paramref name="epoch"/>, or null: the winner needs an absolute majority of every sentinel
    /// known for this master (reachable or not, ourselves included) and at least the quorum. Without
    /// <paramref name="mayVoteForSelf"/>, our vote is cast only for a candidate a peer voted for.
    /// </summary>
    public string? Winner(MasterRecord master, long epoch, bool mayVoteForSelf)
    {
        // Insertion order makes ties deterministic (the reference breaks them by hash order).
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var peer in master.Peers.Values)
        {
            if (peer.Leader is { } leader && peer.LeaderEpoch == epoch && peer.AnswerIsFresh(clock.NowMs, settings.Timings.AskPeriodMs))
            {
                counts[leader] = counts.GetValueOrDefault(leader) + 1;
            }
        }

        string? winner = null;
        int maxVotes = 0;
        foreach (var (candidate, votes) in counts)
        {
            if (votes <= maxVotes) continue;
            maxVotes = votes;
            winner = candidate;
        }

        var (myVote, myVoteEpoch) = winner is not null || mayVoteForSelf
            ? vote.Vote(master, epoch, winner ?? monitored.MyId)
            : (master.Leader, master.LeaderEpoch);
        if (myVote is not null && myVoteEpoch == epoch)
        {
            int votes = counts.GetValueOrDefault(myVote) + 1;
            counts[myVote] = votes;
            if (votes > maxVotes)
            {
                maxVotes = votes;
                winner = myVote;
            }
        }

        int voters = master.Peers.Count + 1;
        if (winner is not null && (maxVotes < voters / 2 + 1 || maxVotes < master.Settings.Quorum)) winner = null;
        return winner;
    }
}
