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
        long since = ContactSince(peer);
        if (since == 0 && !peer.Link.IsDisconnected) return true; // no PING outstanding
        return nowMs - since <= windowMs;
    }

    /// <summary>
    /// Since when the peer's silence counts: its oldest unanswered PING, or its last valid reply once the link is
    /// down (0: a connected link with no PING outstanding).
    /// </summary>
    public static long ContactSince(PeerRecord peer) => peer.Link.IsDisconnected ? peer.Link.LastAvailableAtMs : peer.Link.ActivePingSentAtMs;

    /// <summary>This sentinel plus the reachable peers make a majority of the sentinels known for the master.</summary>
    public static bool HasMajority(MasterRecord master, long nowMs, long windowMs) =>
        IsMajority(master, CountReachable(master, nowMs, windowMs, confirmed: null));

    /// <summary>
    /// A majority is reachable and, asked over our own links since the fence engaged, named this master as the
    /// master (<paramref name="confirmed"/>: the run ids that did). Hellos would not do: one held up in a cut-off
    /// Redis can arrive long after its sender moved on to a new master.
    /// </summary>
    public static bool MajorityConfirms(MasterRecord master, long nowMs, long windowMs, IReadOnlySet<string> confirmed) =>
        CountReachable(master, nowMs, windowMs, confirmed) >= ConfirmationsToLift(master);

    /// <summary>
    /// How many peers, this sentinel not counted, must confirm before the fence lifts: what, with this sentinel, makes a
    /// majority of the sentinels known, and never fewer than the quorum. A sentinel that discovered only part of its group would otherwise take a
    /// majority of what it knows for a majority of the group; the quorum is what the configuration says about the
    /// group's size, and a failover on the other side needs at least that many voters there, so the confirmers and
    /// those voters share a sentinel whenever the quorum is at least half the group (the reference sizes its failover
    /// majority the same way, as the larger of the quorum and a majority of the voters). Unsure, it stays fenced.
    /// </summary>
    public static int ConfirmationsToLift(MasterRecord master) => Math.Max(master.Settings.Quorum, (master.Peers.Count + 1) / 2);

    /// <summary>Every peer known is reachable and named this master (<paramref name="confirmed"/> as above).</summary>
    public static bool AllKnownConfirm(MasterRecord master, long nowMs, long windowMs, IReadOnlySet<string> confirmed) =>
        CountReachable(master, nowMs, windowMs, confirmed) == master.Peers.Count;

    /// <summary>This sentinel plus <paramref name="reachablePeers"/> of the master's peers make a majority of its sentinels.</summary>
    public static bool IsMajority(MasterRecord master, int reachablePeers) => 2 * (reachablePeers + 1) > master.Peers.Count + 1;

    private static int CountReachable(MasterRecord master, long nowMs, long windowMs, IReadOnlySet<string>? confirmed)
    {
        int count = 0;
        foreach (var peer in master.Peers.Values)
        {
            if (!IsReachable(peer, nowMs, windowMs)) continue;
            if (confirmed is not null && !confirmed.Contains(peer.Name)) continue;
            count++;
        }
        return count;
    }
}
