using Vigil.Sentinel.Detection;
using Vigil.Sentinel.Fencing;
using Vigil.Sentinel.Links;
using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel;

/// <summary>
/// A peer sentinel's link, scheduled once however many masters' records use it (one per master the peer watches).
/// Its rules fall due here, not in each master's due time: its PINGs, its reconnects and its connection's health check
/// (a connection that could not be made in time, or a PING unanswered for half a down-after, closes it). Its PING and
/// each reply change the link four times a second or more, a peer that cannot be reached is dialled about once a
/// second, and every user's SDOWN and write-fence deadlines count from that PING; but those deadlines are all at least
/// the fence's doubt window after it (half a down-after for all but the fence), and nothing a user's own rules do
/// depends on a connection that is not up, so the masters are touched (their due times recomputed) only when a change
/// can matter to them:
/// <list type="bullet">
/// <item>the link became usable or unusable (<see cref="Usability"/>: its command connection up or not, room for
/// commands or not); a connection opened, or one that failed before it was up, only reschedules the link; a master
/// that starts or stops using the link changes no other user's rules (its own master is touched by whatever made it a
/// user), so a link that every master of a fleet joins during discovery is not recomputed once per join for all the
/// others;</item>
/// <item>a PING has gone unanswered for half the shortest down-after of its users, or for the fence's doubt window and
/// some user's fence may act on it (<see cref="WriteFence.MayActOnSilenceOf"/>): from then on their due times follow
/// that PING exactly;</item>
/// <item>the silence they were touched for ended (a reply) or started again, or a silence whose doubt window lapsed
/// untouched ended while some user's fence may act (it may have engaged or begun to doubt since).</item>
/// </list>
/// A PING answered sooner only moves deadlines later, never earlier: a master whose stored due time was computed
/// while the PING was out is visited once for nothing, at worst.
/// </summary>
/// <remarks>
/// The users of a link differ only by their masters' down-after, so one user per distinct down-after stands for all
/// (<see cref="Entry.Groups"/>): the link's PING, reconnect or health check is due when the earliest of theirs is, and
/// a tick that finds it due visits that user only (the health check counts half its down-after, the others none).
/// </remarks>
internal sealed class PeerLinkSchedule(TiltState tilt, LinkManager links, PeriodicCommands periodic, FailureDetector detector)
{
    private readonly Dictionary<InstanceLink, Entry> _entries = new(ReferenceEqualityComparer.Instance);
    private readonly PeerLinkDueHeap _heap = new();
    private readonly List<InstanceLink> _pending = [];
    private readonly List<InstanceLink> _due = [];
    private readonly HashSet<long> _downAfters = [];
    private int _entriesAfterCleanup;

    /// <summary>Records visited to compute the links' due times (see <c>SentinelCore.RecordVisits</c>).</summary>
    public long RecordVisits { get; private set; }

    /// <summary>Whether the link is scheduled here (a peer's link some master's refresh has seen).</summary>
    public bool Tracks(InstanceLink link) => _entries.ContainsKey(link);

    /// <summary>Checks the links of the master's peers now: a new one is tracked from now on.</summary>
    public void Check(MasterRecord master, MasterDueHeap masters)
    {
        foreach (var peer in master.Peers.Values)
        {
            if (peer.IsRemoved) continue;
            var entry = EntryOf(peer.Link);
            if (!entry.HasGroupFor(peer)) entry.GroupsStale = true;
            Check(peer.Link, entry, masters);
        }
    }

    /// <summary>An input is about to change the link (a reply to its PING, a connection up or closed): checked at the next <see cref="CheckPending"/>.</summary>
    public void Changed(InstanceLink link) => _pending.Add(link);

    /// <summary>Checks the links noted by <see cref="Changed"/> and <see cref="TakeDue"/>.</summary>
    public void CheckPending(MasterDueHeap masters)
    {
        for (int i = 0; i < _pending.Count; i++)
        {
            var link = _pending[i];
            if (_entries.TryGetValue(link, out var entry)) Check(link, entry, masters);
        }
        _pending.Clear();
        if (_entries.Count > 2 * _entriesAfterCleanup + 64) ForgetUnused();
    }

    /// <summary>Every master's settings may have changed (a command): the links' users are grouped again.</summary>
    public void RegroupAll()
    {
        foreach (var (link, entry) in _entries)
        {
            entry.GroupsStale = true;
            _pending.Add(link);
        }
    }

    /// <summary>The earliest time a link is due (<see cref="long.MaxValue"/> when none).</summary>
    public long EarliestDueMs() => _heap.EarliestDueMs();

    /// <summary>
    /// Takes the links due at or before <paramref name="nowMs"/>: a silence that lasted long enough touches the link's
    /// users; a PING, reconnect or health check due adds the user it is due for to <paramref name="linkDue"/>. Each taken
    /// link is checked (and scheduled) again at the next <see cref="CheckPending"/>, after the tick's visits.
    /// </summary>
    public void TakeDue(long nowMs, List<PeerRecord> linkDue, MasterDueHeap masters)
    {
        _due.Clear();
        _heap.TakeDue(nowMs, _due);
        foreach (var link in _due)
        {
            if (!_entries.TryGetValue(link, out var entry)) continue;
            entry.Unscheduled = true;
            _pending.Add(link);
            WatchSilence(link, entry, nowMs, masters);
            foreach (var user in entry.Groups)
            {
                if (!user.IsRemoved && UserDueAt(user) <= nowMs) linkDue.Add(user);
            }
        }
    }

    /// <summary>
    /// A silence of the link that lasted long enough: past the shortest silence any user's rule acts on, every user is
    /// touched; past the fence's doubt window (shorter), only if some user's fence may act on it. A peer connection
    /// that carries every master's hellos and questions is held up behind a slow message now and then, far more often
    /// in a large fleet than in a small one, and with the other peers answering no fence acts on it: touching every
    /// master for each such hold-up and again at its end was most of the work left at a thousand masters.
    /// </summary>
    /// <remarks>
    /// The doubt window's watch is kept for every silence, even one whose users were all touched already: a fence
    /// out of doubt leaves a PING out for less than any doubt window to this watch (see <c>WriteFence.DueAt</c>).
    /// </remarks>
    private void WatchSilence(InstanceLink link, Entry entry, long nowMs, MasterDueHeap masters)
    {
        long since = SilenceSinceMs(link);
        if (since == 0) return;
        bool fenceWatchDue = since != entry.FenceWatchedSilenceSinceMs && nowMs > since + entry.FenceSilenceMs;
        if (since != entry.WatchedSilenceSinceMs && nowMs > since + entry.ShortestSilenceMs)
        {
            TouchUsers(link, entry, masters);
            // Touched past the doubt window: their due times count this PING's lapse already.
            if (fenceWatchDue) entry.FenceWatchedSilenceSinceMs = since;
            return;
        }
        if (!fenceWatchDue) return;
        entry.FenceWatchedSilenceSinceMs = since;
        if (AnyFenceMayAct(link)) TouchUsers(link, entry, masters);
    }

    private bool AnyFenceMayAct(InstanceLink link)
    {
        foreach (var user in link.Users)
        {
            RecordVisits++;
            if (user is PeerRecord { IsAdmitted: true, IsRemoved: false } peer && WriteFence.MayActOnSilenceOf(peer)) return true;
        }
        return false;
    }

    /// <summary>Touches every master using <paramref name="link"/>.</summary>
    public static void TouchUsers(InstanceLink link, MasterDueHeap masters)
    {
        foreach (var user in link.Users) masters.Touch(user.OwningMaster);
    }

    /// <summary>
    /// Touches every master using the link and remembers the silence they were touched during: from now on their due
    /// times follow it, and whatever they derive from it (a peer's SDOWN, a fence's lost contact) is theirs to undo,
    /// so its end touches them again.
    /// </summary>
    private static void TouchUsers(InstanceLink link, Entry entry, MasterDueHeap masters)
    {
        entry.WatchedSilenceSinceMs = SilenceSinceMs(link);
        TouchUsers(link, masters);
    }

    private Entry EntryOf(InstanceLink link)
    {
        if (!_entries.TryGetValue(link, out var entry))
        {
            entry = new Entry();
            _entries[link] = entry;
        }
        return entry;
    }

    private void Check(InstanceLink link, Entry entry, MasterDueHeap masters)
    {
        if (link.Users.Count == 0)
        {
            _entries.Remove(link);
            _heap.Forget(link);
            return;
        }
        var usability = Usability.Of(link);
        var connections = LinkConnections.Of(link);
        var pings = PingTimes.Of(link);
        long silence = SilenceSinceMs(link);
        // A silence whose doubt window lapsed while no fence could act on it has ended: a fence engaged or in doubt
        // since (by an input about its own master) counted the peer as lost, and may now ask it to confirm.
        bool fenceWatchEnded = entry.FenceWatchedSilenceSinceMs != 0 && silence != entry.FenceWatchedSilenceSinceMs;
        if (fenceWatchEnded) entry.FenceWatchedSilenceSinceMs = 0;
        if (usability != entry.Usability || !entry.Seen)
        {
            entry.Seen = true;
            entry.Usability = usability;
            entry.GroupsStale = true;
            TouchUsers(link, entry, masters);
        }
        else if (entry.WatchedSilenceSinceMs != 0 && silence != entry.WatchedSilenceSinceMs)
        {
            TouchUsers(link, entry, masters);
        }
        else if (fenceWatchEnded && AnyFenceMayAct(link))
        {
            TouchUsers(link, entry, masters);
        }
        else if (connections == entry.Connections && pings == entry.Pings && !entry.GroupsStale && !entry.Unscheduled && !entry.LostAGroup(link))
        {
            return;
        }
        entry.Connections = connections;
        entry.Pings = pings;
        if (entry.GroupsStale || entry.LostAGroup(link)) Regroup(link, entry);
        entry.Unscheduled = false;
        _heap.Schedule(link, DueAt(link, entry));
    }

    /// <summary>The earliest rule of the link's groups, and the ends of the current silence's watches.</summary>
    private long DueAt(InstanceLink link, Entry entry)
    {
        long due = long.MaxValue;
        foreach (var user in entry.Groups) due = Math.Min(due, UserDueAt(user));
        RecordVisits += entry.Groups.Count;
        long since = SilenceSinceMs(link);
        if (since != 0)
        {
            if (since != entry.WatchedSilenceSinceMs) due = Math.Min(due, since + entry.ShortestSilenceMs + 1);
            if (since != entry.FenceWatchedSilenceSinceMs) due = Math.Min(due, since + entry.FenceSilenceMs + 1);
        }
        return due;
    }

    /// <summary>
    /// When a visit of <paramref name="user"/> next acts on the link: its PING, a reconnect, or (unless in TILT, when
    /// SDOWN and the health check wait) closing an unhealthy connection.
    /// </summary>
    private long UserDueAt(PeerRecord user)
    {
        long due = Math.Min(periodic.PingDueAtIfSendable(user), links.ReconnectDueAt(user));
        return tilt.Active ? due : Math.Min(due, detector.LinkHealthDueAt(user));
    }

    private void Regroup(InstanceLink link, Entry entry)
    {
        entry.GroupsStale = false;
        entry.Groups.Clear();
        entry.ShortestSilenceMs = long.MaxValue;
        entry.FenceSilenceMs = long.MaxValue;
        _downAfters.Clear();
        foreach (var user in link.Users)
        {
            RecordVisits++;
            // Claims checked over the link (PeerAdmission) have no rules of their own on it.
            if (user is not PeerRecord { IsAdmitted: true, IsRemoved: false } peer) continue;
            if (_downAfters.Add(peer.DownAfterMs)) entry.Groups.Add(peer);
            entry.ShortestSilenceMs = Math.Min(entry.ShortestSilenceMs, FailureDetector.ShortestSilenceMs(peer));
            entry.FenceSilenceMs = Math.Min(entry.FenceSilenceMs, WriteFence.ShortestSilenceMs(peer.OwningMaster));
        }
    }

    /// <summary>
    /// Since when the peer has not answered: its oldest unanswered PING, or while the link is down its last valid reply
    /// (where the SDOWN and contact rules count from); 0 when it has answered.
    /// </summary>
    private static long SilenceSinceMs(InstanceLink link) =>
        link.ActivePingSentAtMs != 0 ? link.ActivePingSentAtMs : link.IsDisconnected ? link.LastAvailableAtMs : 0;

    private void ForgetUnused()
    {
        foreach (var (link, _) in _entries)
        {
            if (link.Users.Count > 0) continue;
            _entries.Remove(link);
            _heap.Forget(link);
        }
        _entriesAfterCleanup = _entries.Count;
    }

    private sealed class Entry
    {
        public bool Seen { get; set; }
        public Usability Usability { get; set; }
        public LinkConnections Connections { get; set; }
        public PingTimes Pings { get; set; }

        /// <summary>One user per distinct down-after; the first one found of each.</summary>
        public List<PeerRecord> Groups { get; } = [];
        public bool GroupsStale { get; set; } = true;
        /// <summary>
        /// The shortest silence any user's rule other than its fence acts on (half a down-after: the link's own health
        /// check, then the peer's SDOWN), and the shortest a fence acts on (its doubt window).
        /// </summary>
        public long ShortestSilenceMs { get; set; } = long.MaxValue;
        public long FenceSilenceMs { get; set; } = long.MaxValue;

        /// <summary>The silence whose doubt window was looked at, whether or not a fence could act on it; 0 when none.</summary>
        public long FenceWatchedSilenceSinceMs { get; set; }

        /// <summary>The silence (see <see cref="SilenceSinceMs"/>) the users were last touched during; 0 when none.</summary>
        public long WatchedSilenceSinceMs { get; set; }

        /// <summary>Taken by a tick and not scheduled again yet.</summary>
        public bool Unscheduled { get; set; }

        public bool HasGroupFor(PeerRecord peer)
        {
            foreach (var user in Groups)
            {
                if (user.DownAfterMs == peer.DownAfterMs) return true;
            }
            return false;
        }

        public bool LostAGroup(InstanceLink link)
        {
            foreach (var user in Groups)
            {
                if (user.IsRemoved || !ReferenceEquals(user.Link, link)) return true;
            }
            return false;
        }
    }

    /// <summary>
    /// What a change of touches every user: whether the command connection is up and whether it takes commands. Every
    /// rule of a user's own that looks at the link asks these (<see cref="InstanceLink.IsDisconnected"/>,
    /// <see cref="PeriodicCommands.CanSend(InstanceLink)"/>); commands are sent only on a connection that is up.
    /// </summary>
    private readonly record struct Usability(bool Disconnected, bool TakesCommands)
    {
        public static Usability Of(InstanceLink link) => new(link.IsDisconnected, PeriodicCommands.CanSend(link));
    }

    /// <summary>What the link's own reconnect and health rules follow: its connections and when it last dialled.</summary>
    private readonly record struct LinkConnections(
        Connection? Command,
        bool CommandUp,
        Connection? PubSub,
        bool PubSubUp,
        long LastReconnectAtMs)
    {
        public static LinkConnections Of(InstanceLink link) => new(
            link.Command,
            link.Command?.IsUp ?? false,
            link.PubSub,
            link.PubSub?.IsUp ?? false,
            link.LastReconnectAtMs);
    }

    /// <summary>The PING times the link's own schedule follows.</summary>
    private readonly record struct PingTimes(long ActivePingSentAtMs, long LastPingSentAtMs, long LastPongAtMs, long LastAvailableAtMs)
    {
        public static PingTimes Of(InstanceLink link) =>
            new(link.ActivePingSentAtMs, link.LastPingSentAtMs, link.LastPongAtMs, link.LastAvailableAtMs);
    }
}
