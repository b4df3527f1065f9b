using Vigil.Sentinel.Config;
using Vigil.Sentinel.Events;
using Vigil.Sentinel.Links;
using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Failover;

/// <summary>
/// Brings nodes back in line with this sentinel's view of the master (compatibility-rules §8.3), using the reconfiguration transaction.
/// Never runs in TILT (the INFO handler stops before it) nor for a master whose failover we are running (the
/// failover reconfigures its own nodes).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A replica reporting role:master is converted back when the master looks sane, neither has been down
/// for 8 s and the role was reported over 8 s ago (the wait gives a newer configuration time to arrive by hello).
/// Not while a newer configuration announced by a peer is being checked, nor while an election newer than our
/// configuration may still be failing over: either may make that replica the master.</item>
/// <item>A node a higher epoch took the master role from (<see cref="ReplicaRecord.AwaitingFence"/>) is sent back
/// at once while our master is not down: the epoch already says it is not the master, and every second it
/// spends as one lets clients write to it and lets replicas resync from it. Only while our current epoch is the
/// one the fence was set in: after a newer election the first rule applies.</item>
/// <item>A replica following another master is re-pointed when the master looks sane and neither the replica
/// was down nor its master changed within failover-timeout.</item>
/// <item>A master caught in a replication loop with one of its replicas is made a master again.</item>
/// </list>
/// </remarks>
internal sealed class Convergence(CoreSettings settings, CoreClock clock, Epochs epochs, AddressResolver resolver, LinkManager links, EventEmitter events)
{
    public void OnReplicaReportsMaster(ReplicaRecord replica)
    {
        var master = replica.Master;
        if (master.FailoverInProgress || replica.IsPromoted) return;
        long now = clock.NowMs;
        // A newer election may have promoted this node under an epoch above the one that took its role: the fence
        // no longer holds, and the rules below (the wait for that failover to end) decide.
        if (replica.AwaitingFence && epochs.Current > replica.FenceEpoch) replica.AwaitingFence = false;
        if (replica.AwaitingFence)
        {
            if (master.IsSubjectivelyDown || master.IsObjectivelyDown) return;
            Reconfigure(replica, master, "+convert-to-slave");
            return;
        }
        long waitMs = Limits.ConvertToReplicaWaitPublishPeriods * settings.Timings.PublishPeriodMs;
        if (master.PendingAdoption?.IsOpen(now) == true) return;
        if (MayHaveBeenPromotedUnderANewerEpoch(master)) return;
        if (!MasterLooksSane(master) || !NoDownFor(replica, waitMs) || now - replica.RoleReportedAtMs <= waitMs) return;
        Reconfigure(replica, master, "+convert-to-slave");
    }

    /// <summary>
    /// The master we name replicates from one of its replicas, which replicates from it: a replication loop, left
    /// by sentinels that acted on different configurations at once (one on a stale one demoting the new master, the
    /// others demoting the old). No node takes writes, and when the loop's other node may not be promoted (priority
    /// 0) no failover can end it: the reference stays so for ever (seed 313053). Our configuration still names this
    /// node, so it is made a master again, after the same wait as a conversion and not while a newer configuration
    /// may be on its way (then the failover or the convergence that configuration brings decides).
    /// </summary>
    public void OnMasterReportsSlave(MasterRecord master)
    {
        if (master.FailoverInProgress || master.SlavePriority == 0) return;
        long now = clock.NowMs;
        long waitMs = Limits.ConvertToReplicaWaitPublishPeriods * settings.Timings.PublishPeriodMs;
        if (now - master.RoleReportedAtMs <= waitMs) return;
        if (master.PendingAdoption?.IsOpen(now) == true || MayHaveBeenPromotedUnderANewerEpoch(master)) return;
        var followed = master.Replicas.Values.FirstOrDefault(replica =>
            replica.Address.Port == master.ReportedMasterPort
            && resolver.AddressEqualsHostname(replica.Address, master.ReportedMasterHost));
        if (followed is null || followed.RoleReported != ReportedRole.Slave || !FollowsMaster(followed)) return;
        if (now - followed.InfoRefreshedAtMs >= Limits.SaneMasterInfoPeriods * settings.Timings.InfoPeriodMs) return;
        if (SlaveofTransaction.Send(links, master, null, settings.AnnounceHostnames))
        {
            events.About(LogLevel.Warning, "+replication-loop-broken", master);
        }
    }

    public void OnReplicaFollowsAnotherMaster(ReplicaRecord replica)
    {
        var master = replica.Master;
        if (master.FailoverInProgress) return;
        long waitMs = master.Settings.FailoverTimeoutMs;
        if (!MasterLooksSane(master) || !NoDownFor(replica, waitMs) || clock.NowMs - replica.ReportedMasterChangedAtMs <= waitMs) return;
        Reconfigure(replica, master, "+fix-slave-config");
    }

    /// <summary>
    /// An election ran in an epoch newer than our configuration, recently enough for its failover to be still
    /// under way: a replica reporting role:master may be its promoted replica, whose leader's hello has not reached
    /// us (or never will: the leader died right after promotion, redis/redis#1445). Demoting it would throw away
    /// writes made under a higher epoch, so we wait until that failover must have ended (twice failover-timeout,
    /// the election back-off): its configuration reaches us, or a new election settles it.
    /// </summary>
    private bool MayHaveBeenPromotedUnderANewerEpoch(MasterRecord master) =>
        epochs.Current > master.ConfigEpoch
        && clock.NowMs - epochs.RaisedAtMs <= 2 * master.Settings.FailoverTimeoutMs;

    /// <summary>Whether a replica's reported master is the record's master address.</summary>
    public bool FollowsMaster(ReplicaRecord replica) =>
        replica.ReportedMasterPort == replica.Master.Address.Port
        && resolver.AddressEqualsHostname(replica.Master.Address, replica.ReportedMasterHost);

    private void Reconfigure(ReplicaRecord replica, MasterRecord master, string eventType)
    {
        if (SlaveofTransaction.Send(links, replica, master.Address, settings.AnnounceHostnames))
        {
            events.About(LogLevel.Notice, eventType, replica);
        }
    }

    /// <summary>A master record reporting role:master, not down, with an INFO younger than two INFO periods.</summary>
    public bool MasterLooksSane(MasterRecord master) =>
        master.RoleReported == ReportedRole.Master
        && !master.IsSubjectivelyDown
        && !master.IsObjectivelyDown
        && master.InfoRefreshedAtMs != 0
        && clock.NowMs - master.InfoRefreshedAtMs < Limits.SaneMasterInfoPeriods * settings.Timings.InfoPeriodMs;

    /// <summary>No SDOWN (or ODOWN) began within the last <paramref name="ms"/>; 0 means it never happened.</summary>
    private bool NoDownFor(InstanceRecord record, long ms)
    {
        long mostRecent = record.SubjectivelyDownSinceMs;
        if (record is MasterRecord master) mostRecent = Math.Max(mostRecent, master.ObjectivelyDownSinceMs);
        return mostRecent == 0 || clock.NowMs - mostRecent > ms;
    }
}
