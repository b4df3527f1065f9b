using System.Globalization;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.Election;
using Vigil.Sentinel.Events;
using Vigil.Sentinel.Links;
using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Failover;

/// <summary>
/// Starts failovers, runs the election and steps the failover state machine (compatibility-rules §6, §7): one step per master per
/// tick, in the acting half only (never in TILT). Replies that drive it (INFO, votes) arrive through
/// <see cref="OnInfo"/> and the election tally.
/// </summary>
/// <remarks>
/// Deliberate differences from the reference, invisible on the wire:
/// <list type="bullet">
/// <item>A failover due by ODOWN starts after a short wait ordered by run id (<see cref="PreElectionWaitMs"/>): this
/// core wakes at exact times instead of a jittered 10 Hz timer, and votes for itself in the tick that starts the
/// attempt, so without it sentinels seeing ODOWN together would ask for votes together.</item>
/// <item>The tick after any input that may move a failover on runs the step at once, instead of up to 100 ms
/// later.</item>
/// <item>The promoted replica's INFO is asked right after SLAVEOF NO ONE, and each reconfigured replica's right after
/// its SLAVEOF, then every 100 ms until the step is done, not at the next INFO period (1 s).</item>
/// <item>At promotion the leader sends the old master, if it answers, under the promoted replica (the reference
/// leaves it a master until after the switch plus 8 s), and fences it again whenever it reports role:master
/// during reconf_slaves.</item>
/// <item>reconf_slaves checks the per-replica reconfiguration timeout before the parallel-syncs budget (with
/// parallel-syncs 1 the reference never reaches it), and its failover-timeout deadline holds even while the
/// promoted replica is down (the reference then waits for ever, compatibility-rules §13.4d): the failover ends and the switch makes
/// a later failover possible.</item>
/// <item>No automatic failover within four publish periods of starting to monitor a master (start, restart,
/// RESET), while peers are still being discovered; SENTINEL FAILOVER is not held back.</item>
/// <item>SENTINEL FAILOVER received in TILT starts when TILT ends (the reference starts it at once, then leaves it
/// waiting until TILT ends).</item>
/// <item>SENTINEL FAILOVER with a reachable master is a planned switchover (<see cref="PlannedSwitchover"/>).</item>
/// </list>
/// </remarks>
internal sealed class FailoverMachine(
    CoreSettings settings, CoreClock clock, EffectQueue effects, Epochs epochs, MonitorState monitored, Random random, AddressResolver resolver,
    LinkManager links,
    EventEmitter events,
    LeaderElection election,
    MasterSwitch masterSwitch,
    Convergence convergence,
    PlannedSwitchover switchover)
{
    private readonly FailoverDamping _damping = new(clock, events);

    /// <summary>
    /// Starts a failover when the master is ODOWN, none runs, peers have had time to be discovered, the last attempt
    /// (or a vote for another sentinel) is over 2 × failover-timeout old, flap damping does not hold it back
    /// (<see cref="FailoverDamping"/>), and the random start delay has passed.
    /// True when one started.
    /// </summary>
    public bool StartIfDue(MasterRecord master)
    {
        if (master.ForcedFailoverDeferred)
        {
            master.ForcedFailoverDeferred = false;
            if (!master.FailoverInProgress) StartForced(master, master.DeferredFailoverCoordinated);
        }
        if (!master.IsObjectivelyDown || master.FailoverInProgress)
        {
            master.FailoverWaitSinceMs = 0;
            return false;
        }
        long now = clock.NowMs;
        if (now < DiscoveryEndsAt(master)) return false;
        long backOffEndMs = BackOffEndsAt(master);
        if (now < backOffEndMs)
        {
            master.FailoverWaitSinceMs = 0;
            if (master.FailoverDelayLoggedForMs != master.FailoverStartedAtMs)
            {
                master.FailoverDelayLoggedForMs = master.FailoverStartedAtMs;
                effects.Log(LogLevel.Warning, Invariant(
                    $"Next failover delay: I will not start a failover before {(backOffEndMs - now + 999) / 1000} seconds from now"));
            }
            return false;
        }
        if (_damping.Holds(master))
        {
            master.FailoverWaitSinceMs = 0;
            return false;
        }
        if (master.FailoverWaitSinceMs == 0)
        {
            master.FailoverWaitSinceMs = now;
            master.FailoverStartJitterMs = random.Next((int)(Limits.ElectionSlotMs / 4));
        }
        if (now < StartDueAt(master)) return false;
        master.FailoverWaitSinceMs = 0;
        return Start(master, forced: false);
    }

    /// <summary>
    /// When the attempt starts after ODOWN: one election slot per live peer whose run id sorts before ours, plus a
    /// random part of a quarter slot, after the wait began. Sentinels that see ODOWN together (a crash is noticed by all within milliseconds)
    /// start at least three quarters of a slot apart, in run-id order, so the first one's vote requests arrive before
    /// the next one asks for itself; the lowest live run id asks within a quarter slot. A split vote costs two failover
    /// timeouts. A peer that answered a question we asked since our SDOWN with "not down" is not waited for: it does
    /// not see ODOWN now, and our vote request reaches it before it can (probes are spread over the slot, see
    /// <c>PeriodicCommands.PhaseMs</c>, so the last sentinel of a freeze sees it up to a slot after the others).
    /// </summary>
    private long StartDueAt(MasterRecord master) =>
        master.FailoverWaitSinceMs + LivePeersBefore(master) * Limits.ElectionSlotMs + master.FailoverStartJitterMs;

    /// <summary>
    /// Whether our own vote may go to ourselves (<see cref="FailoverRun.SelfVoteOpen"/>): at once when no live peer
    /// we wait for (see <see cref="StartDueAt"/>) has a run id sorting before ours; otherwise once what we sent since
    /// the start has left (it waits for the save of the new epoch) and then one election slot per such peer. A save
    /// can stall for longer than the start waits between candidates (a file system committing its journal: 220 ms in
    /// bench/README.md 5l), so several sentinels may start during it; each voted for itself at its start, all their
    /// requests left together when the stall ended, and the votes split three ways: no leader, and the failover
    /// waited out two failover timeouts. Now only the lowest of them votes for itself at once; the others give their
    /// vote to a lower run id that asks (<c>SentinelSubcommands.MayVoteFor</c>). Our requests still leave at once:
    /// when nobody else runs, the peers' votes elect us, and our own is needed only when a peer's is missing.
    /// </summary>
    private bool SelfVoteOpen(MasterRecord master)
    {
        var run = master.Failover!;
        if (run.SelfVoteOpen) return true;
        long now = clock.NowMs;
        if (effects.HoldsBack)
        {
            run.SelfVoteOpensAtMs = 0;
            return false;
        }
        if (run.SelfVoteOpensAtMs == 0) run.SelfVoteOpensAtMs = now + LivePeersBefore(master) * Limits.ElectionSlotMs;
        if (now < run.SelfVoteOpensAtMs) return false;
        run.SelfVoteOpen = true;
        return true;
    }

    /// <summary>When <see cref="SelfVoteOpen"/> next changes its mind (<see cref="long.MaxValue"/> once open).</summary>
    private long SelfVoteOpensAt(MasterRecord master)
    {
        var run = master.Failover!;
        if (run.SelfVoteOpen) return long.MaxValue;
        if (effects.HoldsBack) return clock.NowMs + Limits.SelfVotePollMs;
        return run.SelfVoteOpensAtMs == 0 ? clock.NowMs : run.SelfVoteOpensAtMs;
    }

    /// <summary>
    /// The peers a candidate lets go first: live (connected, not SDOWN), with a run id sorting before ours, and not
    /// having answered "not down" to a question we asked since our SDOWN.
    /// </summary>
    private int LivePeersBefore(MasterRecord master)
    {
        int before = 0;
        foreach (var peer in master.Peers.Values)
        {
            if (peer.IsSubjectivelyDown || peer.Link.IsDisconnected) continue;
            if (!peer.SaysMasterDown && peer.LastMasterDownReplyAtMs >= master.SubjectivelyDownSinceMs) continue;
            if (RunIdOrder.SortsBefore(peer.Name, monitored.MyId)) before++;
        }
        return before;
    }

    private long DiscoveryEndsAt(MasterRecord master) =>
        master.MonitoringStartedAtMs + Limits.DiscoveryPublishPeriods * settings.Timings.PublishPeriodMs;

    private static long BackOffEndsAt(MasterRecord master) =>
        master.FailoverStartedAtMs == 0 ? long.MinValue : master.FailoverStartedAtMs + 2 * master.Settings.FailoverTimeoutMs;

    /// <summary>SENTINEL FAILOVER: no ODOWN, no election, no peer asks.</summary>
    public void StartForced(MasterRecord master, bool coordinated = false)
    {
        effects.Log(LogLevel.Warning, $"Executing user requested FAILOVER of '{master.Name}'{(coordinated ? " (coordinated)" : "")}");
        if (Start(master, forced: true)) master.Failover!.Coordinated = coordinated;
    }

    private bool Start(MasterRecord master, bool forced)
    {
        long now = clock.NowMs;
        if (!EpochRules.TryNext(epochs.Current, out long epoch))
        {
            effects.Log(LogLevel.Warning, $"Not failing over '{master.Name}': the current epoch cannot grow any more");
            return false;
        }
        Invariants.Check(master.Failover is null, $"a second failover of '{master.Name}' started while one runs");
        master.Failover = new FailoverRun(epoch, forced, now) { SelfVoteOpen = forced || LivePeersBefore(master) == 0 };
        epochs.Current = epoch;
        effects.RequestPersist();
        events.Raw(LogLevel.Warning, "+new-epoch", master, epochs.Current.ToString(CultureInfo.InvariantCulture));
        events.About(LogLevel.Warning, "+try-failover", master);
        master.FailoverStartedAtMs = Math.Max(1, now + random.Next(Limits.MaxFailoverDesyncMs));
        master.FailoverStepRequested = true;
        return true;
    }

    /// <summary>One step of the state machine (compatibility-rules §7.1).</summary>
    public void Step(MasterRecord master)
    {
        master.FailoverStepRequested = false;
        if (!master.FailoverInProgress) return;
        switch (master.FailoverState)
        {
            case FailoverState.WaitStart: WaitStart(master); break;
            case FailoverState.SelectSlave: SelectSlave(master); break;
            case FailoverState.SendSlaveofNoone: SendSlaveofNoone(master); break;
            case FailoverState.WaitPromotion: WaitPromotion(master); break;
            case FailoverState.ReconfSlaves: ReconfSlaves(master); break;
        }
    }

    private void WaitStart(MasterRecord master)
    {
        string? leader = election.Winner(master, master.FailoverEpoch, mayVoteForSelf: SelfVoteOpen(master));
        bool isLeader = leader is not null && string.Equals(leader, monitored.MyId, StringComparison.OrdinalIgnoreCase);
        if (!isLeader && !master.ForceFailover)
        {
            long electionTimeoutMs = Math.Min(settings.Timings.ElectionTimeoutMs, master.Settings.FailoverTimeoutMs);
            if (clock.NowMs - master.FailoverStartedAtMs > electionTimeoutMs)
            {
                events.About(LogLevel.Warning, "-failover-abort-not-elected", master);
                Abort(master);
            }
            return;
        }
        events.About(LogLevel.Warning, "+elected-leader", master);
        if ((effects.SimulateFailureFlags & SimulatedFailure.CrashAfterElection) != 0)
        {
            effects.Crash();
            return;
        }
        EnterState(master, FailoverState.SelectSlave);
        events.About(LogLevel.Warning, "+failover-state-select-slave", master);
    }

    private void SelectSlave(MasterRecord master)
    {
        if (master.CoordinatedFailover && !PlannedSwitchover.CanPlan(master))
        {
            events.About(LogLevel.Warning, "-failover-abort-master-unreachable", master);
            Abort(master);
            return;
        }
        var replica = ReplicaSelector.Select(master, clock.NowMs, settings.Timings);
        if (replica is null)
        {
            events.About(LogLevel.Warning, "-failover-abort-no-good-slave", master);
            Abort(master);
            return;
        }
        events.About(LogLevel.Warning, "+selected-slave", replica);
        replica.IsPromoted = true;
        master.Failover!.PromotedReplica = replica;
        EnterState(master, FailoverState.SendSlaveofNoone);
        events.About(LogLevel.Notice, "+failover-state-send-slaveof-noone", replica);
        if (master.ForceFailover && PlannedSwitchover.CanPlan(master)) master.Switchover = new Switchover();
    }

    private void SendSlaveofNoone(MasterRecord master)
    {
        var promoted = master.PromotedReplica!;
        // The reference retries until the link is back, aborting after failover-timeout.
        if (promoted.Link.IsDisconnected)
        {
            if (clock.NowMs - master.FailoverStateChangedAtMs > master.Settings.FailoverTimeoutMs)
            {
                events.About(LogLevel.Warning, "-failover-abort-slave-timeout", master);
                Abort(master);
            }
            return;
        }
        if (master.Switchover is not null)
        {
            switch (switchover.Step(master, promoted))
            {
                case SwitchoverStep.Wait:
                    return;
                case SwitchoverStep.Abort:
                    Abort(master);
                    return;
            }
        }
        if (!SlaveofTransaction.Send(links, promoted, null, settings.AnnounceHostnames)) return;
        // Ask at once whether it took: the reference waits for the next INFO period (1 s at best).
        PollAfterTransaction(promoted);
        events.About(LogLevel.Notice, "+failover-state-wait-promotion", promoted);
        EnterState(master, FailoverState.WaitPromotion);
    }

    private void WaitPromotion(MasterRecord master)
    {
        if (clock.NowMs - master.FailoverStateChangedAtMs > master.Settings.FailoverTimeoutMs)
        {
            events.About(LogLevel.Warning, "-failover-abort-slave-timeout", master);
            Abort(master);
        }
    }

    /// <summary>
    /// The promoted replica reports role:master (compatibility-rules §7.5): the configuration of the failover epoch is in force. From
    /// here on the failover cannot be aborted.
    /// </summary>
    private void Promoted(MasterRecord master, ReplicaRecord promoted)
    {
        master.ConfigEpoch = master.FailoverEpoch;
        master.ConfigEpochForced = master.ForceFailover;
        EnterState(master, FailoverState.ReconfSlaves);
        effects.RequestPersist();
        events.About(LogLevel.Warning, "+promoted-slave", promoted);
        if ((effects.SimulateFailureFlags & SimulatedFailure.CrashAfterPromotion) != 0)
        {
            effects.Crash();
            return;
        }
        events.About(LogLevel.Warning, "+failover-state-reconf-slaves", master);
        masterSwitch.RunClientReconfigScript(master, leader: true, master.Address, promoted.Address);
        ForceHello(master);
        FenceOldMaster(master);
        // A planned switchover held the old master's writes until now; it is a replica from here on.
        if (master.Switchover is not null) switchover.Unpause(master);
    }

    /// <summary>
    /// The old master lost the role to a higher epoch: if it answers (or will, once it thaws) it is sent under the
    /// promoted replica now rather than after the switch, so that replicas still waiting for their turn do not
    /// resync from a restarted, possibly empty, old master.
    /// </summary>
    private void FenceOldMaster(MasterRecord master)
    {
        if (SlaveofTransaction.Send(links, master, master.PromotedReplica!.Address, settings.AnnounceHostnames))
        {
            events.About(LogLevel.Notice, "+convert-to-slave", master);
        }
    }

    /// <summary>Hellos carrying the new configuration go out at the next tick to every related instance.</summary>
    private void ForceHello(MasterRecord master)
    {
        long backdateMs = settings.Timings.PublishPeriodMs + 1;
        static void Backdate(InstanceRecord record, long by)
        {
            if (record.LastHelloPublishedAtMs >= by) record.LastHelloPublishedAtMs -= by;
        }
        Backdate(master, backdateMs);
        foreach (var peer in master.Peers.Values) Backdate(peer, backdateMs);
        foreach (var replica in master.Replicas.Values) Backdate(replica, backdateMs);
    }

    /// <summary>
    /// compatibility-rules §7.6: move replicas to the promoted one, at most parallel-syncs at a time. Stuck replicas time out first,
    /// so that they cannot hold the budget for ever.
    /// </summary>
    private void ReconfSlaves(MasterRecord master)
    {
        long now = clock.NowMs;
        var promoted = master.PromotedReplica!;
        int inProgress = 0;
        foreach (var replica in master.Replicas.Values)
        {
            if (replica.IsPromoted || replica.ReconfDone) continue;
            if (replica.ReconfSent && now - replica.ReconfSentAtMs > settings.Timings.SlaveReconfTimeoutMs)
            {
                events.About(LogLevel.Notice, "-slave-reconf-sent-timeout", replica);
                replica.Reconf = ReplicaReconf.Done;
                continue;
            }
            if (replica.ReconfSent || replica.ReconfInProgress) inProgress++;
        }

        foreach (var replica in master.Replicas.Values)
        {
            if (inProgress >= master.Settings.ParallelSyncs) break;
            if (replica.IsPromoted || replica.ReconfDone || replica.ReconfSent || replica.ReconfInProgress) continue;
            if (replica.Link.IsDisconnected) continue;
            if (!SlaveofTransaction.Send(links, replica, promoted.Address, settings.AnnounceHostnames)) continue;
            replica.Reconf = ReplicaReconf.Sent;
            replica.ReconfSentAtMs = now;
            events.About(LogLevel.Notice, "+slave-reconf-sent", replica);
            // Its INFO shows +slave-reconf-inprog at once, then it is polled every ReconfPollMs until its link is up.
            PollAfterTransaction(replica);
            inProgress++;
        }

        DetectEnd(master, promoted);
    }

    /// <summary>
    /// INFO pipelined behind a reconfiguration transaction: Redis answers in order, so its reply already shows the
    /// new role. An INFO still outstanding was sent before the transaction and shows the old one; the fast poll
    /// (<see cref="Limits.ReconfPollMs"/>) then asks again as soon as it is answered.
    /// </summary>
    private void PollAfterTransaction(ReplicaRecord replica)
    {
        if (replica.InfoInFlight) return;
        if (links.Send(replica, ReplyKind.Info, "INFO")) replica.InfoInFlight = true;
    }

    private void DetectEnd(MasterRecord master, ReplicaRecord promoted)
    {
        bool timedOut = clock.NowMs - master.FailoverStateChangedAtMs > master.Settings.FailoverTimeoutMs;
        // The reference returns here while the promoted replica is down, deadline included, and can hang for ever.
        if (promoted.IsSubjectivelyDown && !timedOut) return;

        if (timedOut) events.About(LogLevel.Warning, "+failover-end-for-timeout", master);
        if (timedOut || AllReplicasReconfigured(master))
        {
            events.About(LogLevel.Warning, "+failover-end", master);
            EnterState(master, FailoverState.UpdateConfig);
        }
        if (!timedOut) return;

        // Best effort for whoever is left: the convergence rules fix the rest later.
        foreach (var replica in master.Replicas.Values)
        {
            if (replica.IsPromoted || replica.ReconfDone || replica.ReconfSent || replica.Link.IsDisconnected) continue;
            if (!SlaveofTransaction.Send(links, replica, promoted.Address, settings.AnnounceHostnames)) continue;
            events.About(LogLevel.Notice, "+slave-reconf-sent-be", replica);
            replica.Reconf = ReplicaReconf.Sent;
        }
    }

    /// <summary>Every replica but the promoted one is reconfigured or down (a replica that is down is not waited for).</summary>
    private static bool AllReplicasReconfigured(MasterRecord master)
    {
        foreach (var replica in master.Replicas.Values)
        {
            if (!replica.IsPromoted && !replica.ReconfDone && !replica.IsSubjectivelyDown) return false;
        }
        return true;
    }

    /// <summary>After the walk over all masters: the first one that reached update_config switches (compatibility-rules §7.7).</summary>
    public void SwitchIfDue()
    {
        foreach (var master in monitored.Masters.Values)
        {
            if (master.IsRemoved || master.FailoverState != FailoverState.UpdateConfig) continue;
            masterSwitch.SwitchToPromoted(master);
            return;
        }
    }

    /// <summary>
    /// SENTINEL RESET during our failover: once the replica is promoted, the failover epoch is the config epoch and
    /// names the promoted replica, so the record switches to it before the reset forgets the failover. The reference
    /// keeps the old address under the new epoch, and the group then holds two addresses for one epoch (seed 2114).
    /// </summary>
    public void SwitchIfPromoted(MasterRecord master)
    {
        if (master.PromotionDone) masterSwitch.SwitchToPromoted(master);
    }

    /// <summary>
    /// compatibility-rules §7.8: possible up to wait_promotion only. The start time stays, so the back-off applies. A replica already
    /// told SLAVEOF NO ONE is marked to be fenced should it become a master anyway.
    /// </summary>
    public void Abort(MasterRecord master)
    {
        if (master.Switchover is not null) switchover.Unpause(master);
        if (master.PromotedReplica is { } promoted)
        {
            promoted.IsPromoted = false;
            if (master.FailoverState == FailoverState.WaitPromotion)
            {
                promoted.AwaitingFence = true;
                promoted.FenceEpoch = epochs.Current;
            }
        }
        master.Failover = null;
    }

    private void EnterState(MasterRecord master, FailoverState state)
    {
        master.Failover!.MoveTo(state, clock.NowMs);
        master.FailoverStepRequested = true;
    }

    /// <summary>
    /// The acting part of an INFO reply (compatibility-rules §3.2 steps 3-6), outside TILT: promotion success, fencing, convergence,
    /// reconfiguration progress, switchover catch-up.
    /// </summary>
    public void OnInfo(DataNodeRecord record, ReportedRole role)
    {
        if (record is MasterRecord master)
        {
            // The leader's view moved at promotion: an old master still claiming the role is fenced again.
            if (master.PromotionDone && role == ReportedRole.Master && master.Switchover is null) FenceOldMaster(master);
            else if (role == ReportedRole.Slave) convergence.OnMasterReportsSlave(master);
            return;
        }
        var replica = (ReplicaRecord)record;
        var owner = replica.Master;
        if (role == ReportedRole.Master)
        {
            if (replica.IsPromoted && owner.FailoverInProgress && owner.FailoverState == FailoverState.WaitPromotion)
            {
                Promoted(owner, replica);
            }
            else
            {
                convergence.OnReplicaReportsMaster(replica);
            }
            return;
        }
        if (role != ReportedRole.Slave) return;
        replica.AwaitingFence = false;
        if (!convergence.FollowsMaster(replica)) convergence.OnReplicaFollowsAnotherMaster(replica);
        AdvanceReconfiguration(replica);
        switchover.OnReplicaInfo(owner, replica);
    }

    /// <summary>reconf_sent → reconf_inprog once it follows the promoted replica; → reconf_done once its link is up.</summary>
    private void AdvanceReconfiguration(ReplicaRecord replica)
    {
        if (!replica.ReconfSent && !replica.ReconfInProgress) return;
        if (replica.Master.PromotedReplica is not { } promoted) return;
        if (replica.ReconfSent
            && replica.ReportedMasterHost is not null
            && resolver.AddressEqualsHostname(promoted.Address, replica.ReportedMasterHost)
            && replica.ReportedMasterPort == promoted.Address.Port)
        {
            replica.Reconf = ReplicaReconf.InProgress;
            events.About(LogLevel.Notice, "+slave-reconf-inprog", replica);
        }
        if (replica.ReconfInProgress && replica.MasterLinkUp)
        {
            replica.Reconf = ReplicaReconf.Done;
            events.About(LogLevel.Notice, "+slave-reconf-done", replica);
        }
    }

    /// <summary>When <see cref="StartIfDue"/> or <see cref="Step"/> next has something to do for this master.</summary>
    public long DueAt(MasterRecord master)
    {
        long now = clock.NowMs;
        if (master.ForcedFailoverDeferred) return now;
        if (!master.FailoverInProgress)
        {
            if (!master.IsObjectivelyDown) return long.MaxValue;
            if (now < DiscoveryEndsAt(master)) return DiscoveryEndsAt(master);
            long backOffEndMs = BackOffEndsAt(master);
            // The back-off is logged once per attempt, at the first visit that finds it.
            if (now < backOffEndMs) return master.FailoverDelayLoggedForMs != master.FailoverStartedAtMs ? now : backOffEndMs;
            long heldUntil = _damping.HeldUntil(master);
            // Damping is announced once per outage, at the first visit that finds the start held.
            if (now < heldUntil) return master.DampingAnnouncedForMs != master.SubjectivelyDownSinceMs ? now : FailoverDamping.HoldChangesAt(master, heldUntil);
            return master.FailoverWaitSinceMs != 0 ? StartDueAt(master) : now;
        }
        if (master.FailoverStepRequested) return now;
        long stateTimeoutMs = master.FailoverStateChangedAtMs + master.Settings.FailoverTimeoutMs + 1;
        switch (master.FailoverState)
        {
            case FailoverState.WaitStart:
                return Math.Min(SelfVoteOpensAt(master),
                    master.FailoverStartedAtMs + Math.Min(settings.Timings.ElectionTimeoutMs, master.Settings.FailoverTimeoutMs) + 1);
            case FailoverState.SendSlaveofNoone:
                if (master.Switchover is { } planned && master.PromotedReplica is { } chosen && !chosen.Link.IsDisconnected)
                {
                    return Math.Max(now, Math.Min(stateTimeoutMs, PlannedSwitchover.DueAt(planned, chosen)));
                }
                return stateTimeoutMs;
            case FailoverState.WaitPromotion:
                return stateTimeoutMs;
            case FailoverState.ReconfSlaves:
                // A replica that went down during this master's last visit (replicas are visited after their master)
                // may have been the last one waited for.
                if (master.PromotedReplica is { IsSubjectivelyDown: false } && AllReplicasReconfigured(master)) return now;
                long due = stateTimeoutMs;
                foreach (var replica in master.Replicas.Values)
                {
                    if (replica.ReconfSent) due = Math.Min(due, replica.ReconfSentAtMs + settings.Timings.SlaveReconfTimeoutMs + 1);
                }
                return due;
            default:
                return now;
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
