using System.Globalization;
using Vigil.Resp;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.Failover;
using Vigil.Sentinel.Links;
using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Detection;

/// <summary>
/// Asks peers whether they see a master down (compatibility-rules §5.3, client side) and, while this sentinel runs a failover for
/// it, for their vote; expires their answers after five ask periods.
/// </summary>
internal sealed class PeerQueries(CoreSettings settings, CoreClock clock, EffectQueue effects, Epochs epochs, MonitorState monitored, LinkManager links)
{
    private long AnswerValidityMs => Limits.PeerAnswerValidityAskPeriods * settings.Timings.AskPeriodMs;

    /// <summary>
    /// Runs in the acting half. Asks each connected peer at most once per ask period while the master is SDOWN
    /// here, with at most one question outstanding per peer. The reference re-asks every tick until a well-formed
    /// answer comes; here a peer that answers with errors is asked again one ask period after the last question.
    /// <paramref name="forced"/> asks every connected peer at once (a failover just started).
    /// </summary>
    /// <remarks>
    /// A peer's own question (<see cref="MasterRecord.AskBackRequested"/>) means it sees the master SDOWN now; a peer
    /// whose last answer said "not down" is then asked again at once. Without it, the first sentinel to see SDOWN
    /// heard "not down" from peers a moment behind it and reached ODOWN only an ask period later, while the peer that
    /// reached ODOWN first waited out the election slots of that sentinel's lower run id. The prompt itself is not
    /// believed (the question names no sender); it only moves our own question forward.
    /// </remarks>
    public void Ask(MasterRecord master, bool forced)
    {
        long now = clock.NowMs;
        // At most one round of asking back per AskBackMinIntervalMs, however many prompts come: the first one after our
        // own question (often milliseconds after it, as the peers reach SDOWN one after the other) is the one that counts.
        bool askBack = master.AskBackRequested && now - master.LastAskBackAtMs >= Limits.AskBackMinIntervalMs;
        master.AskBackRequested = false;
        if (askBack) master.LastAskBackAtMs = now;
        foreach (var peer in master.Peers.Values)
        {
            if (now - peer.LastMasterDownReplyAtMs > AnswerValidityMs)
            {
                peer.SaysMasterDown = false;
                peer.Leader = null;
            }
            if (!master.IsSubjectivelyDown || peer.Link.IsDisconnected)
            {
                peer.AskBackAfterAnswer = false;
                continue;
            }
            // A question still out when the prompt came may be answered from before the peer's SDOWN (they cross on the
            // wire when both reach SDOWN in the same few milliseconds): that peer is asked back once its answer is in.
            if (askBack && peer.AskInFlight && !peer.SaysMasterDown) peer.AskBackAfterAnswer = true;
            bool askedBack = (askBack || peer.AskBackAfterAnswer) && !peer.AskInFlight && !peer.SaysMasterDown;
            if (!peer.AskInFlight) peer.AskBackAfterAnswer = false;
            if (!forced && !askedBack && (peer.AskInFlight || now < NextAskAt(peer))) continue;

            var address = master.Address;
            // A vote is asked for the epoch of our attempt, which the current epoch may have overtaken since.
            bool asksVote = master.FailoverState > FailoverState.None;
            string candidate = asksVote ? monitored.MyId : "*";
            long epoch = asksVote ? master.FailoverEpoch : epochs.Current;
            if (links.SendAbout(peer, ReplyKind.IsMasterDown, address, "SENTINEL", "is-master-down-by-addr",
                    address.Announced(settings.AnnounceHostnames),
                    address.Port.ToString(CultureInfo.InvariantCulture),
                    epoch.ToString(CultureInfo.InvariantCulture),
                    candidate))
            {
                peer.AskInFlight = true;
                peer.LastAskSentAtMs = now;
            }
        }
    }

    private long NextAskAt(PeerRecord peer) =>
        Math.Max(peer.LastMasterDownReplyAtMs, peer.LastAskSentAtMs) + settings.Timings.AskPeriodMs;

    public long DueAt(MasterRecord master)
    {
        if (master.AskBackRequested) return clock.NowMs;
        long due = long.MaxValue;
        foreach (var peer in master.Peers.Values)
        {
            if (peer.AskBackAfterAnswer && !peer.AskInFlight) return clock.NowMs;
            if (peer.SaysMasterDown || peer.Leader is not null) due = Math.Min(due, peer.LastMasterDownReplyAtMs + AnswerValidityMs + 1);
            if (master.IsSubjectivelyDown && !peer.Link.IsDisconnected && !peer.AskInFlight)
            {
                due = Math.Min(due, NextAskAt(peer));
            }
        }
        return due;
    }

    /// <summary>
    /// Only replies shaped <c>[integer, bulk, integer]</c> count; anything else is ignored. An answer is dated by its
    /// question, not by its arrival: the peer saw the master as it says at some time after we asked, and a link that
    /// stalled (a one-way partition, a frozen host) may hand over answers given many seconds ago all at once. Dated
    /// by arrival they would count as fresh and make an ODOWN out of what the peers saw long before (seed 115848).
    /// An answer about an address the master no longer has (it moved while the question was out) says nothing of the
    /// master now and is dropped.
    /// </summary>
    public void OnReply(PeerRecord peer, AwaitedReply question, RespValue reply)
    {
        peer.AskInFlight = false;
        if (reply is not RespArray { Items: [RespInteger down, RespBulkString leader, RespInteger leaderEpoch] }) return;
        if (question.About is { } asked && !asked.SameAs(peer.Master.Address)) return;

        // An answer is as old as its question (one is in flight at a time): delayed in the network, it says what the
        // peer saw back then, and counting it as new would keep a down flag the peer dropped long ago (seeds 1785, 115848).
        peer.LastMasterDownReplyAtMs = Math.Max(peer.LastMasterDownReplyAtMs, question.SentAtMs);
        peer.SaysMasterDown = down.Value == 1;
        string leaderText = leader.Text;
        if (leaderText != "*")
        {
            if (peer.LeaderEpoch != leaderEpoch.Value)
            {
                effects.Log(LogLevel.Warning, $"{peer.Name} voted for {leaderText} {leaderEpoch.Value.ToString(CultureInfo.InvariantCulture)}");
            }
            peer.Leader = leaderText;
            peer.LeaderEpoch = leaderEpoch.Value;
        }
    }
}
