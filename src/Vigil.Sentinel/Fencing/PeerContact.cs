using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Fencing;

/// <summary>
/// Whether this sentinel is in contact with the majority of a master's sentinels, for write fencing. Every count
/// of "sentinels we are in contact with" goes through <see cref="IsReachable"/>, so narrowing which peers count
/// (only peers whose address and run id were verified, say) is a change to that one predicate.
/// </summary>
internal static class PeerContact
{
    /// <summary>
    /// The peer's command link answers: no PING to it has been outstanding longer than <paramref name="windowMs"/>,
    /// and if the link is down, its last valid reply is no older than that.
    /// </summary>
    public static bool IsReachable(PeerRecord peer, long nowMs, long windowMs)
    {
        var link = peer.Link;
        if (link.IsDisconnected) return nowMs - link.LastAvailableAtMs <= windowMs;
        return link.ActivePingSentAtMs == 0 || nowMs - link.ActivePingSentAtMs <= windowMs;
    }

    /// <summary>This sentinel plus the reachable peers make a majority of the sentinels known for the master.</summary>
    public static bool HasMajority(MasterRecord master, long nowMs, long windowMs) =>
        IsMajority(master, CountReachable(master, nowMs, windowMs, helloSinceMs: null));

    /// <summary>
    /// A majority is reachable and has sent a hello since <paramref name="sinceMs"/>: their hellos name the master
    /// they follow, so a newer configuration (a failover on their side) would have been seen by now.
    /// </summary>
    public static bool MajorityHelloSince(MasterRecord master, long nowMs, long windowMs, long sinceMs) =>
        IsMajority(master, CountReachable(master, nowMs, windowMs, sinceMs));

    private static bool IsMajority(MasterRecord master, int reachablePeers) => 2 * (reachablePeers + 1) > master.Peers.Count + 1;

    private static int CountReachable(MasterRecord master, long nowMs, long windowMs, long? helloSinceMs)
    {
        int count = 0;
        foreach (var peer in master.Peers.Values)
        {
            if (!IsReachable(peer, nowMs, windowMs)) continue;
            if (helloSinceMs is { } since && peer.LastHelloReceivedAtMs <= since) continue;
            count++;
        }
        return count;
    }
}
