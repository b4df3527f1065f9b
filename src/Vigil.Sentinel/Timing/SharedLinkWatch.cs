using Vigil.Sentinel.Links;
using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel;

/// <summary>
/// Notices when a link shared by several masters' records (a peer sentinel's, one per master it watches) changed
/// its connections or PING times: every master using it then has due times to recompute (its peer record's SDOWN
/// and PING deadlines follow the shared link), not only the master whose input or tick changed it.
/// </summary>
internal sealed class SharedLinkWatch
{
    private const int MaxRemembered = 4096;

    private readonly Dictionary<InstanceLink, LinkTimes> _seen = new(ReferenceEqualityComparer.Instance);

    /// <summary>Touches every user's master of each shared link of <paramref name="master"/>'s peers that changed since last seen.</summary>
    public void Check(MasterRecord master, MasterDueHeap schedule)
    {
        foreach (var peer in master.Peers.Values) Check(peer.Link, schedule);
        foreach (var claim in master.PeerClaims.Values) Check(claim.Link, schedule);
    }

    /// <summary>Touches every master using <paramref name="link"/> (whether or not it changed).</summary>
    public static void TouchUsers(InstanceLink link, MasterDueHeap schedule)
    {
        foreach (var user in link.Users) schedule.Touch(user.OwningMaster);
    }

    private void Check(InstanceLink link, MasterDueHeap schedule)
    {
        if (link.Users.Count < 2)
        {
            _seen.Remove(link);
            return;
        }
        // Links of forgotten peers are never checked again: forget every entry now and then (costs one extra touch each).
        if (_seen.Count > MaxRemembered) _seen.Clear();
        var now = LinkTimes.Of(link);
        if (_seen.TryGetValue(link, out var before) && before == now) return;
        _seen[link] = now;
        TouchUsers(link, schedule);
    }

    /// <summary>What the due times of a link's users are computed from.</summary>
    private readonly record struct LinkTimes(
        Connection? Command,
        bool CommandUp,
        Connection? PubSub,
        bool PubSubUp,
        long ActivePingSentAtMs,
        long LastPingSentAtMs,
        long LastPongAtMs,
        long LastAvailableAtMs,
        long LastReconnectAtMs,
        int UserCount)
    {
        public static LinkTimes Of(InstanceLink link) => new(
            link.Command,
            link.Command?.IsUp ?? false,
            link.PubSub,
            link.PubSub?.IsUp ?? false,
            link.ActivePingSentAtMs,
            link.LastPingSentAtMs,
            link.LastPongAtMs,
            link.LastAvailableAtMs,
            link.LastReconnectAtMs,
            link.Users.Count);
    }
}
