using Vigil.Sentinel.Discovery;
using Vigil.Sentinel.Links;

namespace Vigil.Sentinel.Monitoring;

/// <summary>
/// The monitoring half's traffic (compatibility-rules §2.1, §4.2): PING about once a second (masters up to four times a second, see
/// <see cref="PingPeriodMs"/>; a hello stands for a master's or replica's PING), INFO every 10 s (1 s when it matters),
/// hello every 2 s — only on connected links with fewer than 100 × refcount replies owed. All of it falls due on the
/// slots of the record's ping period (<see cref="Cadence"/>). INFO and hello have at
/// most one request in flight per record (compatibility-rules §13.10).
/// </summary>
internal sealed class PeriodicCommands(CoreSettings settings, CoreClock clock, LinkManager links, HelloProcessor hello)
{
    public void Run(InstanceRecord record)
    {
        if (!CanSend(record)) return;
        long now = clock.NowMs;
        if (record is DataNodeRecord node && now >= InfoDueAt(node))
        {
            if (links.Send(node, ReplyKind.Info, "INFO"))
            {
                node.InfoInFlight = true;
                node.InfoWantedNow = false;
            }
        }
        // The hello before the PING: to a master or replica it is the slot's probe, and the PING then waits a slot.
        if (now >= HelloDueAt(record)) hello.Send(record);
        if (now >= PingDueAt(record)) links.SendPing(record);
    }

    /// <summary>When <see cref="Run"/> next sends something to this record; without its PING when <paramref name="withPing"/> is false (a peer's PINGs are scheduled per link, see <c>PeerLinkSchedule</c>).</summary>
    public long DueAt(InstanceRecord record, bool withPing = true)
    {
        if (!CanSend(record)) return long.MaxValue;
        long due = withPing ? Math.Min(PingDueAt(record), HelloDueAt(record)) : HelloDueAt(record);
        if (record is DataNodeRecord node) due = Math.Min(due, InfoDueAt(node));
        return due;
    }

    /// <summary>When <see cref="Run"/> next PINGs this record.</summary>
    public long PingDueAtIfSendable(InstanceRecord record) => CanSend(record) ? PingDueAt(record) : long.MaxValue;

    private static bool CanSend(InstanceRecord record) => CanSend(record.Link);

    /// <summary>The link is up and has room for more commands.</summary>
    public static bool CanSend(InstanceLink link) =>
        !link.IsDisconnected
        && link.PendingCommands < Limits.MaxPendingCommandsPerRef * link.RefCount;

    private long InfoDueAt(DataNodeRecord node)
    {
        if (node.InfoInFlight) return long.MaxValue;
        if (node.InfoRefreshedAtMs == 0 || node.InfoWantedNow) return node.InfoRetryNotBeforeMs;
        long period = InfoPeriodMs(node);
        long slot = PingPeriodMs(node);
        // Polls faster than the record's PINGs (a failover's, a fence's) keep their own pace.
        long due = period >= slot ? Cadence.Next(node.InfoRefreshedAtMs, period, slot, PhaseMs(node, slot)) : node.InfoRefreshedAtMs + period + 1;
        return Math.Max(due, node.InfoRetryNotBeforeMs);
    }

    /// <summary>
    /// Replicas of a master that is ODOWN or failing over, and replicas whose replication link is down, are
    /// polled every second: their role and link-down time decide the failover.
    /// </summary>
    private long InfoPeriodMs(DataNodeRecord node)
    {
        if (node is ReplicaRecord reconfigured && AwaitsReconfiguration(reconfigured)) return Limits.ReconfPollMs;
        if (node is MasterRecord master && Fencing.WriteFence.WantsFastInfo(master)) return Limits.FenceInfoPeriodMs;
        if (node is ReplicaRecord replica
            && (replica.Master.IsObjectivelyDown || replica.Master.FailoverInProgress || replica.MasterLinkDownTimeMs != 0))
        {
            return SentinelTimings.FastInfoPeriodMs;
        }
        return settings.Timings.InfoPeriodMs;
    }

    /// <summary>
    /// PINGs go out on the slots of the record's ping period p = min(down-after, ping period): the next slot at least
    /// half a period after the last reply and after the last PING. While a PING is unanswered, re-sending faster than
    /// the reference's pace (half a ping period) would only pile up unanswered PINGs: silence already counts from the
    /// first one.
    /// </summary>
    private long PingDueAt(InstanceRecord record)
    {
        long period = PingPeriodMs(record);
        var link = record.Link;
        long spacing = link.ActivePingSentAtMs != 0
            ? Math.Min(record.DownAfterMs, settings.Timings.PingPeriodMs) / 2
            : period;
        long phase = PhaseMs(record, period);
        return Math.Max(
            Cadence.Next(link.LastPingSentAtMs, spacing, period, phase),
            Cadence.SlotAtOrAfter(link.LastPongAtMs + period / 2, period, phase));
    }

    /// <summary>
    /// Where a master's and its replicas' slots lie within a slot of <paramref name="slotMs"/>: the sentinels watching
    /// a master spread over the slot by the rank of their run ids among the master's known sentinels (ours and its
    /// peers'): 0 for the first, a third of the slot for the second of three. Silence counts from a sentinel's first
    /// unanswered probe, so a freeze that begins just after a probe goes unnoticed for up to a slot; with every
    /// sentinel on the same slots, all of them lose that slot at once, and the quorum with them. Spread, the second of
    /// three probes within two thirds of a slot of the freeze. Every master watched by the same sentinels has the same
    /// phase, so one sentinel's probes still leave together. A peer's link is shared by all its masters: phase 0.
    /// </summary>
    private static long PhaseMs(InstanceRecord record, long slotMs)
    {
        if (record is not DataNodeRecord) return 0;
        var master = record.OwningMaster;
        return slotMs * master.PeersBeforeUs / (master.Peers.Count + 1);
    }

    /// <summary>
    /// A replica our failover told SLAVEOF NO ONE (until it reports role:master) or SLAVEOF the promoted replica
    /// (until its link to it is up): the next step waits for its INFO.
    /// </summary>
    private static bool AwaitsReconfiguration(ReplicaRecord replica)
    {
        var master = replica.Master;
        if (!master.FailoverInProgress) return false;
        if (replica.IsPromoted) return master.FailoverState == Failover.FailoverState.WaitPromotion;
        return master.FailoverState == Failover.FailoverState.ReconfSlaves && (replica.ReconfSent || replica.ReconfInProgress);
    }

    /// <summary>
    /// The record's ping period, and so the slot its periodic commands fall due on. Silence counts from the first
    /// unanswered probe, so a master's ping period is how much a freeze may add to down-after before it is noticed:
    /// masters get the longest of a period, its half and its quarter (1 s, 500 ms, 250 ms by default) that is at
    /// most an eighth of down-after, so the detection's resolution follows what the operator asked for (at the
    /// reference's 1 s from a down-after of 8 s, four times as fine at 2 s and below). Halving keeps every period a
    /// divisor of the base period, so sentinels whose clocks agree ping on the same slots. Peer sentinels are pinged
    /// <see cref="Limits.PeerPingsPerPeriod"/> times a period: that is how soon write fencing sees that the majority
    /// is gone, and a peer's link is one per peer, not per master. Never less often than down-after.
    /// </summary>
    private long PingPeriodMs(InstanceRecord record)
    {
        long basePeriod = settings.Timings.PingPeriodMs;
        long period = record switch
        {
            MasterRecord => MasterPingPeriodMs(basePeriod, record.DownAfterMs),
            PeerRecord => basePeriod / Limits.PeerPingsPerPeriod,
            _ => basePeriod,
        };
        return Math.Max(1, Math.Min(record.DownAfterMs, period));
    }

    private static long MasterPingPeriodMs(long basePeriod, long downAfterMs)
    {
        long period = basePeriod;
        long finest = basePeriod / Limits.MasterPingsPerPeriodAtMost;
        while (period > finest && period > downAfterMs / Limits.DetectionSlotsPerDownAfter) period /= 2;
        return period;
    }

    private long HelloDueAt(InstanceRecord record)
    {
        if (record.HelloInFlight) return long.MaxValue;
        // CLIENT PAUSE WRITE holds PUBLISH too: a hello would block the link, and the lease renewals, PINGs and INFO
        // queued behind it, until the pause lapses. Nobody on the cut-off side needs our hello anyway.
        if (record is MasterRecord { Fence.Engaged: true }) return long.MaxValue;
        // An old master a newer configuration replaced may still be paused by the sentinel beside it: a hello would
        // wait behind that pause, and the SLAVEOF that demotes it behind the hello, until the lease lapses (up to
        // 2 s). It gets hellos again once it reports role:slave.
        if (record is ReplicaRecord { AwaitingFence: true }) return long.MaxValue;
        if (settings.Wide.AnnounceIp is null && record.Link.CommandLocalIp is null) return long.MaxValue;
        if (!HelloProcessor.CanAnnounceMaster(record.OwningMaster, settings.AnnounceHostnames)) return long.MaxValue;
        long slot = PingPeriodMs(record);
        return Math.Max(
            Cadence.Next(record.LastHelloPublishedAtMs, settings.Timings.PublishPeriodMs, slot, PhaseMs(record, slot)),
            record.HelloRetryNotBeforeMs);
    }
}
