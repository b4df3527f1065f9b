using System.Globalization;
using Vigil.Resp;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.Events;
using Vigil.Sentinel.Links;
using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Failover;

/// <summary>
/// SENTINEL FAILOVER while the master still answers: a switchover that loses no acknowledged write. The reference
/// promotes at once while the old master keeps taking writes until it is reconfigured, and those writes are lost
/// (redis/redis#6062). Here, inside <c>send_slaveof_noone</c>:
/// <list type="number">
/// <item><c>CLIENT PAUSE &lt;ms&gt; WRITE</c> to the master (bounded: the pause lapses by itself), followed on the
/// same connection by <c>INFO replication</c>, whose <c>master_repl_offset</c> is then final;</item>
/// <item>the chosen replica is polled with INFO every 100 ms until its <c>slave_repl_offset</c> reaches it;</item>
/// <item>it is promoted as usual, and at promotion the old master is made its replica and unpaused (its clients
/// are killed by the transaction and find the new master).</item>
/// </list>
/// If the replica does not catch up in time, the master is unpaused and the failover aborts
/// (<c>-failover-abort-switchover-timeout</c>). If the master refuses the pause (Redis older than 6.2) or stops
/// answering, the failover goes on as the reference's forced failover.
/// </summary>
internal sealed class PlannedSwitchover(CoreClock clock, EffectQueue effects, LinkManager links, EventEmitter events)
{
    /// <summary>Whether a forced failover can be planned: the master answers and says it is a master.</summary>
    public static bool CanPlan(MasterRecord master) =>
        !master.IsSubjectivelyDown
        && !master.Link.IsDisconnected
        && master.RoleReported == ReportedRole.Master
        && master.InfoRefreshedAtMs != 0;

    /// <summary>One failover step in send_slaveof_noone while a switchover is planned.</summary>
    public SwitchoverStep Step(MasterRecord master, ReplicaRecord replica)
    {
        var switchover = master.Switchover!;
        long now = clock.NowMs;
        switch (switchover.Phase)
        {
            case SwitchoverPhase.Pending:
                if (!CanPlan(master)) return GiveUp(master, "the master stopped answering");
                string pauseMs = Limits.SwitchoverPauseMs.ToString(CultureInfo.InvariantCulture);
                links.Send(master, ReplyKind.SwitchoverPause, "CLIENT", "PAUSE", pauseMs, "WRITE");
                links.Send(master, ReplyKind.SwitchoverOffset, "INFO", "replication");
                switchover.PausedAtMs = now;
                switchover.Phase = SwitchoverPhase.ReadingOffset;
                events.About(LogLevel.Notice, "+switchover-pause-writes", master, $" {pauseMs}");
                return SwitchoverStep.Wait;

            case SwitchoverPhase.ReadingOffset:
            case SwitchoverPhase.CatchingUp:
                if (master.IsSubjectivelyDown || master.Link.IsDisconnected) return GiveUp(master, "the master stopped answering");
                if (now - switchover.PausedAtMs > Limits.SwitchoverCatchUpMs)
                {
                    Unpause(master);
                    events.About(LogLevel.Warning, "-failover-abort-switchover-timeout", master);
                    return SwitchoverStep.Abort;
                }
                if (switchover.Phase == SwitchoverPhase.CatchingUp && !replica.InfoInFlight
                    && now - switchover.LastPollAtMs >= Limits.SwitchoverPollMs)
                {
                    if (links.Send(replica, ReplyKind.Info, "INFO")) replica.InfoInFlight = true;
                    switchover.LastPollAtMs = now;
                }
                return SwitchoverStep.Wait;

            case SwitchoverPhase.Refused:
                master.Switchover = null;
                events.About(LogLevel.Warning, "-failover-abort-switchover-refused", master);
                return SwitchoverStep.Abort;

            default:
                return SwitchoverStep.Promote;
        }
    }

    /// <summary>When <see cref="Step"/> next has something to do (timeouts and polls).</summary>
    public static long DueAt(Switchover switchover, ReplicaRecord replica)
    {
        switch (switchover.Phase)
        {
            case SwitchoverPhase.ReadingOffset:
                return switchover.PausedAtMs + Limits.SwitchoverCatchUpMs + 1;
            case SwitchoverPhase.CatchingUp:
                long deadline = switchover.PausedAtMs + Limits.SwitchoverCatchUpMs + 1;
                return replica.InfoInFlight ? deadline : Math.Min(deadline, switchover.LastPollAtMs + Limits.SwitchoverPollMs);
            default:
                return long.MinValue; // act at once
        }
    }

    /// <summary>The answer to CLIENT PAUSE: an error (no WRITE option before Redis 6.2) means no planned switchover.</summary>
    public void OnPauseReply(MasterRecord master, RespValue reply)
    {
        if (master.Switchover is not { } planned || reply is not RespError error) return;
        if (master.CoordinatedFailover)
        {
            effects.Log(LogLevel.Warning, $"Master {master.Name} refused CLIENT PAUSE ({error.Text}): the coordinated failover stops");
            planned.Phase = SwitchoverPhase.Refused;
            master.FailoverStepRequested = true;
            return;
        }
        effects.Log(LogLevel.Warning, $"Master {master.Name} refused CLIENT PAUSE ({error.Text}): failing over without pausing writes");
        master.Switchover = null;
        master.FailoverStepRequested = true;
    }

    /// <summary>The INFO that followed the pause: its <c>master_repl_offset</c> is every write the master acknowledged.</summary>
    public void OnOffsetReply(MasterRecord master, RespValue reply)
    {
        if (master.Switchover is not { Phase: SwitchoverPhase.ReadingOffset } switchover) return;
        ulong? offset = reply is RespBulkString info ? InfoReport.Parse(info.Text).MasterReplOffset : null;
        if (offset is null)
        {
            // Without the offset nothing can be checked; the catch-up deadline aborts and unpauses.
            effects.Log(LogLevel.Warning, $"Master {master.Name} did not report master_repl_offset after CLIENT PAUSE");
            return;
        }
        switchover.TargetOffset = offset.Value;
        switchover.Phase = SwitchoverPhase.CatchingUp;
        switchover.LastPollAtMs = 0;
        events.About(LogLevel.Notice, "+switchover-master-offset", master, $" {offset.Value.ToString(CultureInfo.InvariantCulture)}");
        master.FailoverStepRequested = true;
    }

    /// <summary>An INFO from the chosen replica: promote once it has the paused master's whole offset.</summary>
    public void OnReplicaInfo(MasterRecord master, ReplicaRecord replica)
    {
        if (master.Switchover is not { Phase: SwitchoverPhase.CatchingUp } switchover || replica != master.PromotedReplica) return;
        if (replica.RoleReported != ReportedRole.Slave || replica.SlaveReplOffset < switchover.TargetOffset) return;
        switchover.Phase = SwitchoverPhase.CaughtUp;
        events.About(LogLevel.Notice, "+switchover-replica-caught-up", replica, $" {replica.SlaveReplOffset.ToString(CultureInfo.InvariantCulture)}");
        master.FailoverStepRequested = true;
    }

    /// <summary>Ends the pause: at promotion (after the old master was told to follow the new one), or on abort.</summary>
    public void Unpause(MasterRecord master)
    {
        links.Send(master, ReplyKind.Discard, "CLIENT", "UNPAUSE");
        master.Switchover = null;
    }

    /// <summary>The master cannot be paused or watched any more: go on as the reference's forced failover.</summary>
    private SwitchoverStep GiveUp(MasterRecord master, string why)
    {
        if (master.CoordinatedFailover)
        {
            // Unpaused by the abort, in case the master answers again before the pause lapses.
            effects.Log(LogLevel.Warning, $"Coordinated failover of {master.Name} stopped ({why})");
            events.About(LogLevel.Warning, "-failover-abort-master-unreachable", master);
            return SwitchoverStep.Abort;
        }
        effects.Log(LogLevel.Warning, $"Planned switchover of {master.Name} dropped ({why}): failing over without pausing writes");
        master.Switchover = null;
        return SwitchoverStep.Promote;
    }
}
