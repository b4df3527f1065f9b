using System.Globalization;
using Vigil.Resp;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.Events;
using Vigil.Sentinel.Links;
using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Fencing;

/// <summary>
/// Minority self-fencing. A sentinel that still reaches its master, but has lost contact with the majority of the
/// master's sentinels while the master's own INFO shows that no replica acknowledged recently, is on the cut-off
/// side of a partition together with the master: the majority is about to promote a replica, and every write the
/// old master takes from then on is lost when it is demoted. It pauses the master's writes with
/// <c>CLIENT PAUSE &lt;lease&gt; WRITE</c>, renewed while the conditions hold, so the pause lapses by itself if this
/// sentinel dies. The pause is lifted (<c>CLIENT UNPAUSE</c>) once a majority answers again and, asked
/// <c>SENTINEL GET-MASTER-ADDR-BY-NAME</c>, still names this master. A sentinel cut off alone, while the master keeps
/// its replicas, does not fence.
/// </summary>
internal sealed class WriteFence(CoreClock clock, EffectQueue effects, AddressResolver resolver, LinkManager links, EventEmitter events)
{
    /// <summary>Contact with a peer counts as lost after a PING unanswered this long: a quarter of down-after.</summary>
    public static long ContactWindowMs(MasterRecord master) => Math.Max(Limits.FenceMinContactWindowMs, master.DownAfterMs / 4);

    /// <summary>The shortest time a PING to a peer can go unanswered before the fence may act on it: the doubt window.</summary>
    public static long ShortestSilenceMs(MasterRecord master) => DoubtWindowMs(ContactWindowMs(master));

    /// <summary>
    /// Whether a silence of <paramref name="peer"/> long enough to lapse the doubt window may change what its master's
    /// fence does: the fence is engaged, in doubt or asked for a check, or it could fence and the other peers that
    /// surely answer (connected, no PING outstanding) make no majority without this one. A peer whose silence has
    /// begun counts as lost: its own silence, when it lapses, asks this again with this peer's silence counted.
    /// </summary>
    public static bool MayActOnSilenceOf(PeerRecord peer)
    {
        var master = peer.OwningMaster;
        var fence = master.Fence;
        if (fence.Engaged || fence.DoubtSinceMs != 0 || fence.CheckRequested) return true;
        return CanFence(master) && !SureMajority(master, except: peer);
    }

    /// <summary>
    /// The peers other than <paramref name="except"/> that surely answer (connected, no PING outstanding) make a
    /// majority with this sentinel: no lapse of another peer's contact can start a doubt until one of them falls
    /// silent, which its link watches.
    /// </summary>
    private static bool SureMajority(MasterRecord master, PeerRecord? except)
    {
        int sure = 0;
        foreach (var other in master.Peers.Values)
        {
            if (other != except && !other.IsRemoved && !other.Link.IsDisconnected && PeerContact.ContactSince(other) == 0) sure++;
        }
        return PeerContact.IsMajority(master, sure);
    }

    /// <summary>One evaluation per tick (acting half only: in TILT nothing is renewed and the lease lapses).</summary>
    public void Check(MasterRecord master)
    {
        var fence = master.Fence;
        fence.CheckRequested = false;
        long now = clock.NowMs;
        long window = ContactWindowMs(master);
        if (fence.Engaged)
        {
            CheckEngaged(master, fence, now, window);
            return;
        }
        if (!CanFence(master) || PeerContact.HasMajority(master, now, DoubtWindowMs(window)))
        {
            fence.DoubtSinceMs = 0;
            fence.ContactLostSinceMs = 0;
            return;
        }
        if (fence.DoubtSinceMs == 0) fence.DoubtSinceMs = now;
        if (PeerContact.HasMajority(master, now, window))
        {
            fence.ContactLostSinceMs = 0;
        }
        else
        {
            if (fence.ContactLostSinceMs == 0) fence.ContactLostSinceMs = now;
            if (NoReplicaAcknowledges(master, fence, now) is { } why)
            {
                fence.Engaged = true;
                fence.EngagedAtMs = now;
                SendPause(master, fence);
                int peers = master.Peers.Count;
                events.About(LogLevel.Warning, "+fence", master, Invariant(
                    $" lost contact with the majority of {peers + 1} sentinels and no replica acknowledged within {why}: writes paused"));
                return;
            }
        }
        Probe(master, fence, now);
    }

    private static long DoubtWindowMs(long contactWindowMs) => Math.Min(contactWindowMs, Limits.FenceDoubtMs);

    /// <summary>No master's doubt window is shorter (see <see cref="ContactWindowMs"/>).</summary>
    private const long ShortestDoubtWindowMs = Limits.FenceMinContactWindowMs < Limits.FenceDoubtMs ? Limits.FenceMinContactWindowMs : Limits.FenceDoubtMs;

    /// <summary>
    /// Whether the replicas are cut off from the master too, and how we know: null while nothing says so. A probe sent
    /// since the doubt began decides: it is asked every quarter second and answers within a fraction of one. The
    /// master's INFO, which knows only in whole seconds (replicas acknowledge once a second and Redis reports the lag
    /// in seconds), decides when the master cannot be probed or no probe has been answered yet; it must have been
    /// asked after contact was lost. While a probe is out, its answer (at most a probe timeout away) is awaited:
    /// a CLIENT PAUSE sent meanwhile would wait behind its WAIT on the connection, while the writes go on.
    /// </summary>
    private static string? NoReplicaAcknowledges(MasterRecord master, FenceState fence, long now)
    {
        if (ProbeOut(fence, now)) return null;
        if (fence.LastProbe is { } probe && probe.SentAtMs >= fence.DoubtSinceMs)
        {
            return probe.ReplicaAcknowledged ? null : Invariant($"{Limits.FenceProbeTimeoutMs} ms");
        }
        bool infoAfterLoss = master.InfoRefreshedAtMs > fence.ContactLostSinceMs;
        return infoAfterLoss && !ReplicasAcknowledge(master) ? Invariant($"{Limits.FenceReplicaLagLimitSeconds} s") : null;
    }

    /// <summary>
    /// Asks the master whether any replica still acknowledges: a PUBLISH on a channel nobody listens to gives our
    /// connection a replication offset, and <c>WAIT 1 &lt;timeout&gt;</c> makes the master ask its replicas for an
    /// acknowledgement at once (REPLCONF GETACK) and answer how many gave it in time. A replica on the master's side of
    /// the cut answers within a round trip; none does when the master is cut off with us. One probe at a time, again
    /// every <see cref="Limits.FenceProbeIntervalMs"/> while the doubt lasts.
    /// </summary>
    private void Probe(MasterRecord master, FenceState fence, long now)
    {
        if (fence.ProbeRefused || ProbeOut(fence, now)) return;
        if (fence.ProbeSentAtMs >= fence.DoubtSinceMs && now - fence.ProbeSentAtMs < Limits.FenceProbeIntervalMs) return;
        fence.ProbeSentAtMs = now; // also when it cannot be sent: the next try waits an interval
        fence.ProbeInFlight = links.Send(master, ReplyKind.FenceProbePublish, "PUBLISH", Limits.FenceProbeChannel, master.Name)
            && links.Send(master, ReplyKind.FenceProbe, "WAIT", "1", Limits.FenceProbeTimeoutMs.ToString(CultureInfo.InvariantCulture));
    }

    private static bool ProbeOut(FenceState fence, long now) =>
        fence.ProbeInFlight && !fence.ProbeRefused && now - fence.ProbeSentAtMs < Limits.FenceProbeGiveUpMs;

    /// <summary>
    /// The master refused the probe's PUBLISH or WAIT (an ACL without them, say): a WAIT after a refused PUBLISH would
    /// count every replica, so the probe is off for this master and its INFO decides alone.
    /// </summary>
    public void OnProbePublishReply(MasterRecord master, RespValue reply)
    {
        if (reply is RespError error) RefuseProbe(master, error);
    }

    public void OnProbeReply(MasterRecord master, RespValue reply)
    {
        var fence = master.Fence;
        if (!fence.ProbeInFlight) return;
        fence.ProbeInFlight = false;
        if (fence.ProbeRefused) return;
        if (reply is RespInteger { Value: var acknowledged })
        {
            fence.LastProbe = new ProbeAnswer(fence.ProbeSentAtMs, clock.NowMs, acknowledged > 0);
        }
        else
        {
            RefuseProbe(master, reply as RespError);
        }
    }

    private void RefuseProbe(MasterRecord master, RespError? error)
    {
        if (master.Fence.ProbeRefused) return;
        master.Fence.ProbeRefused = true;
        effects.Log(LogLevel.Notice,
            $"Master {master.Name} refused the fence's acknowledgement probe ({error?.Text ?? "unexpected reply"}): its INFO decides alone");
    }

    private void CheckEngaged(MasterRecord master, FenceState fence, long now, long window)
    {
        if (!master.Settings.FenceWrites)
        {
            Lift(master, "fence-writes turned off", unpause: true);
        }
        else if (MajorityConfirmedLongEnough(master, fence, now, window))
        {
            Lift(master, "the majority is reachable and still names this master", unpause: true);
        }
        else if (AllKnownConfirmedForAFailoverTimeout(master, fence, now, window))
        {
            Lift(master, "every known sentinel has named this master for a failover timeout", unpause: true);
        }
        else if (!CommandLinkUp(master) || master.RoleReported != ReportedRole.Master)
        {
            // Nothing can be sent to it, or it is no master to fence: the lease lapses by itself. A master that is
            // only slow to answer PING (SDOWN) keeps being renewed: a renewal costs nothing if it never arrives.
            Lift(master, "the master is not reachable as a master", unpause: false);
        }
        else if (master.InfoRefreshedAtMs >= fence.EngagedAtMs + (Limits.FenceReplicaLagLimitSeconds + 1) * 1000
                 && master.AllReplicasAcknowledgedAtMs == master.InfoRefreshedAtMs)
        {
            // Every replica the master lists follows it again, so none was promoted on the other side (a promoted
            // one stays listed, lagging, until the master's repl-timeout). Without this, a sentinel that stays cut
            // off after the master's own links healed would keep a master with healthy replicas paused. Only an INFO
            // this long after the fence engaged shows it: a lag within the limit then means an acknowledgement after
            // the fence, while an earlier INFO may still show the last ones from before the cut (the probe fences
            // within a fraction of a second, before the lag shows).
            Lift(master, "every replica acknowledges again", unpause: true);
        }
        else
        {
            if (now >= fence.LastPauseSentAtMs + Limits.FenceRenewMs) SendPause(master, fence);
            AskReachablePeers(master, fence, now, window);
        }
    }

    /// <summary>
    /// A majority has named this master, with no peer naming another, for <see cref="Limits.FenceLiftHoldMs"/> without a
    /// break. One round of answers is not enough: a newer configuration spreads through hellos, and a peer may adopt
    /// it a moment after it confirmed ours (the simulator found fences lifted on answers given milliseconds before
    /// the confirming peers switched, seed 631505). Holding for a hello period lets such a configuration reach them.
    /// </summary>
    private static bool MajorityConfirmedLongEnough(MasterRecord master, FenceState fence, long now, long window)
    {
        bool confirms = PeerContact.MajorityConfirms(master, now, window, fence.UncontradictedConfirmations(now));
        return fence.MajorityConfirms.HeldFor(confirms, now, Limits.FenceLiftHoldMs);
    }

    /// <summary>
    /// Fewer peers are known than the quorum asks for (the group may be larger than discovered, or the quorum is the
    /// whole group): every known peer naming this master for a whole failover timeout lifts the fence, since a failover
    /// started on the other side ends within that time and its new configuration reaches peers in contact with it.
    /// Without this, a group whose quorum is all of its sentinels would keep its master paused for ever.
    /// </summary>
    private static bool AllKnownConfirmedForAFailoverTimeout(MasterRecord master, FenceState fence, long now, long window)
    {
        bool confirm = PeerContact.AllKnownConfirm(master, now, window, fence.UncontradictedConfirmations(now));
        return fence.AllKnownConfirm.HeldFor(confirm, now, master.Settings.FailoverTimeoutMs);
    }

    /// <summary>
    /// Asks every reachable peer which master it follows: one question in flight per peer, asked again once its last
    /// confirmation is half its validity old.
    /// </summary>
    private void AskReachablePeers(MasterRecord master, FenceState fence, long now, long window)
    {
        foreach (var peer in master.Peers.Values)
        {
            // The question went with the connection, or its answer is overdue (the link may have dropped and come
            // back between two checks; seed 885326 kept a fence for ever on a question asked before such a drop).
            if (peer.Link.IsDisconnected
                || (fence.AskedAtMs.TryGetValue(peer.Name, out long askedAt) && now - askedAt > Limits.FenceConfirmValidityMs))
            {
                fence.AskedAtMs.Remove(peer.Name);
            }
            if (!NeedsQuestion(fence, peer, now, window)) continue;
            if (links.Send(peer, ReplyKind.FenceConfirm, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", master.Name)) fence.AskedAtMs[peer.Name] = now;
        }
    }

    /// <summary>
    /// A connected, reachable peer with no question owed and no confirmation recent enough (younger than half its
    /// validity) is asked which master it follows.
    /// </summary>
    private static bool NeedsQuestion(FenceState fence, PeerRecord peer, long now, long window)
    {
        if (fence.AskedAtMs.ContainsKey(peer.Name) || peer.Link.IsDisconnected || !PeerContact.IsReachable(peer, now, window)) return false;
        return !fence.ConfirmedAtMs.TryGetValue(peer.Name, out long at) || now - at >= Limits.FenceConfirmValidityMs / 2;
    }

    /// <summary>A peer's answer: it confirms when it names the master we fence (<c>[ip, port]</c>).</summary>
    public void OnConfirmReply(PeerRecord peer, RespValue reply)
    {
        var master = peer.Master;
        var fence = master.Fence;
        if (!fence.Engaged || !fence.AskedAtMs.Remove(peer.Name)) return;
        var current = master.CurrentAddress;
        if (reply is RespArray { Items: [RespBulkString host, RespBulkString port] }
            && port.Text == current.Port.ToString(CultureInfo.InvariantCulture)
            && resolver.AddressEqualsHostname(current, host.Text))
        {
            fence.ConfirmedAtMs[peer.Name] = clock.NowMs;
        }
        else
        {
            fence.ConfirmedAtMs.Remove(peer.Name);
            if (reply is RespArray { Items: [RespBulkString, RespBulkString] }) fence.DeniedAtMs = clock.NowMs;
        }
    }

    /// <summary>
    /// When <see cref="Check"/> next has something to do for this master, or may find a condition it holds changed by
    /// time alone. An input about the master while the fence is engaged or in doubt asks for a check at once
    /// (<see cref="FenceState.CheckRequested"/>); only times in the future count otherwise, so a condition that
    /// waits for an input never makes the master due for ever.
    /// </summary>
    public long DueAt(MasterRecord master)
    {
        var fence = master.Fence;
        long now = clock.NowMs;
        if (fence.CheckRequested) return now;
        long window = ContactWindowMs(master);
        if (fence.Engaged) return EngagedDueAt(master, fence, now, window);
        if (!CanFence(master)) return long.MaxValue;
        long doubtWindow = DoubtWindowMs(window);
        bool majorityInDoubtWindow = PeerContact.HasMajority(master, now, doubtWindow);
        if (fence.DoubtSinceMs == 0 && !majorityInDoubtWindow) return now;
        // Whatever Check would change now is due now: the doubt ending, contact lost or regained (a peer's contact
        // time that lapsed between two computations is no future instant any more; seed 1006).
        if (fence.DoubtSinceMs != 0 && (majorityInDoubtWindow || (fence.ContactLostSinceMs == 0) == !PeerContact.HasMajority(master, now, window)))
        {
            return now;
        }
        long due = long.MaxValue;
        // Out of doubt, with a majority that surely answers, a peer's PING going unanswered for the doubt window
        // changes nothing: no visit is due for it (in a large fleet, some peer's PING is out at most moments, and each
        // would make the master due for nothing). Should one of that majority fall silent, its link's silence watch
        // touches this master (see PeerLinkSchedule and MayActOnSilenceOf).
        // Out of doubt too, a connected peer's PING out for no longer than any master's doubt window is its link's to
        // watch: the watch falls due no later than this lapse, and touches this master if its fence may act on it.
        bool doubting = fence.DoubtSinceMs != 0;
        bool lapsesMatter = doubting || !SureMajority(master, except: null);
        foreach (var peer in master.Peers.Values)
        {
            if (!lapsesMatter) break;
            long since = PeerContact.ContactSince(peer);
            if (since == 0) continue;
            if (!doubting && !peer.Link.IsDisconnected && now - since <= ShortestDoubtWindowMs) continue;
            due = Future(due, since + doubtWindow + 1, now);
            due = Future(due, since + window + 1, now);
        }
        if (fence.DoubtSinceMs != 0 && !fence.ProbeRefused)
        {
            if (!fence.ProbeInFlight) due = Math.Min(due, Math.Max(now, fence.ProbeSentAtMs + Limits.FenceProbeIntervalMs));
            else due = Math.Min(due, fence.ProbeSentAtMs + Limits.FenceProbeGiveUpMs);
            if (fence.ContactLostSinceMs != 0 && NoReplicaAcknowledges(master, fence, now) is not null) due = now;
        }
        return due;
    }

    /// <summary>
    /// While engaged: the renewal, the ends of the lift rules' holds, and every moment a lift rule's condition can
    /// change by time alone (a peer's reachability or confirmation lapsing, a denial ageing out, a question going
    /// unanswered too long), so that a lapse between two inputs still breaks a hold.
    /// </summary>
    private static long EngagedDueAt(MasterRecord master, FenceState fence, long now, long window)
    {
        long due = fence.LastPauseSentAtMs + Limits.FenceRenewMs;
        if (fence.MajorityConfirms.SinceMs != 0) due = Math.Min(due, fence.MajorityConfirms.SinceMs + Limits.FenceLiftHoldMs);
        if (fence.AllKnownConfirm.SinceMs != 0) due = Math.Min(due, fence.AllKnownConfirm.SinceMs + master.Settings.FailoverTimeoutMs);
        if (fence.DeniedAtMs != 0) due = Future(due, fence.DeniedAtMs + Limits.FenceConfirmValidityMs + 1, now);
        foreach (var peer in master.Peers.Values)
        {
            long since = PeerContact.ContactSince(peer);
            if (since != 0) due = Future(due, since + window + 1, now);
            bool asked = fence.AskedAtMs.TryGetValue(peer.Name, out long askedAt);
            if (asked) due = Future(due, askedAt + Limits.FenceConfirmValidityMs + 1, now);
            if (fence.ConfirmedAtMs.TryGetValue(peer.Name, out long at))
            {
                due = Future(due, at + Limits.FenceConfirmValidityMs + 1, now);
                if (!asked) due = Future(due, at + Limits.FenceConfirmValidityMs / 2, now);
            }
            if (NeedsQuestion(fence, peer, now, window)) due = now;
        }
        return due;
    }

    private static long Future(long due, long at, long now) => at > now ? Math.Min(due, at) : due;

    /// <summary>While contact is lost and not yet fenced, the master's INFO is polled fast (see PeriodicCommands).</summary>
    public static bool WantsFastInfo(MasterRecord master) => master.Fence.ContactLostSinceMs != 0 || master.Fence.Engaged;

    /// <summary>The master's answer to CLIENT PAUSE: an error means it cannot be fenced (Redis older than 6.2).</summary>
    public void OnPauseReply(MasterRecord master, RespValue reply)
    {
        if (reply is not RespError error || master.Fence.Refused) return;
        effects.Log(LogLevel.Warning, $"Master {master.Name} refused CLIENT PAUSE WRITE ({error.Text}): its writes cannot be fenced");
        master.Fence.Refused = true;
        if (master.Fence.Engaged) Lift(master, "the master refused CLIENT PAUSE", unpause: false);
    }

    /// <summary>The master record moves to another address or is reset: the old node is not ours to unpause.</summary>
    public static void Forget(MasterRecord master, EventEmitter events, string why)
    {
        if (master.Fence.Engaged) events.About(LogLevel.Warning, "-fence", master, " " + why);
        master.Fence = new FenceState();
    }

    private static bool CanFence(MasterRecord master) =>
        master.Settings.FenceWrites
        && !master.Fence.Refused
        && master.Peers.Count > 0
        && !master.FailoverInProgress
        && master.Switchover is null
        && !master.IsSubjectivelyDown
        && CommandLinkUp(master)
        && master.RoleReported == ReportedRole.Master
        && master.InfoRefreshedAtMs != 0;

    /// <summary>
    /// Only the command connection matters: the pub/sub one falls silent while fenced (no hello reaches the
    /// cut-off master, ours are held back) and is dropped and reopened by the link-health rule.
    /// </summary>
    private static bool CommandLinkUp(MasterRecord master) => master.Link.Command is { IsUp: true };

    /// <summary>The master's last INFO listed an online replica whose last acknowledgement is recent.</summary>
    private static bool ReplicasAcknowledge(MasterRecord master) => master.ReplicasAcknowledgedAtMs == master.InfoRefreshedAtMs;

    private void SendPause(MasterRecord master, FenceState fence)
    {
        links.Send(master, ReplyKind.FencePause, "CLIENT", "PAUSE", Limits.FenceLeaseMs.ToString(CultureInfo.InvariantCulture), "WRITE");
        fence.LastPauseSentAtMs = clock.NowMs;
    }

    private void Lift(MasterRecord master, string why, bool unpause)
    {
        if (unpause) links.Send(master, ReplyKind.Discard, "CLIENT", "UNPAUSE");
        events.About(LogLevel.Warning, "-fence", master, " " + why);
        bool refused = master.Fence.Refused;
        master.Fence = new FenceState { Refused = refused };
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
