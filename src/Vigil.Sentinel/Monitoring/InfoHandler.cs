using Vigil.Sentinel.Config;
using Vigil.Sentinel.Events;

namespace Vigil.Sentinel.Monitoring;

/// <summary>Applies an INFO reply to a master or replica record (compatibility-rules §3): run id, replicas, role, replication fields.</summary>
internal sealed class InfoHandler(CoreClock clock, EffectQueue effects, TiltState tilt, AddressResolver resolver, Topology topology, EventEmitter events, Failover.FailoverMachine failover)
{
    private readonly HashSet<DataNodeRecord> _awaitingAnswers = [];

    /// <summary>A hostname was answered: the nodes whose INFO listed one not answered yet are asked for INFO again now.</summary>
    public void OnHostnameAnswered()
    {
        foreach (var node in _awaitingAnswers)
        {
            if (!node.IsRemoved) node.InfoWantedNow = true;
        }
        _awaitingAnswers.Clear();
    }

    public void Apply(DataNodeRecord record, string info)
    {
        long now = clock.NowMs;
        var report = InfoReport.Parse(info);

        if (report.RunId is { } runId)
        {
            if (record.RunId is null)
            {
                record.RunId = runId;
            }
            else if (record.RunId != runId)
            {
                events.About(LogLevel.Notice, "+reboot", record);
                if (record is MasterRecord master && master.Settings.MasterRebootDownAfterPeriodMs != 0)
                {
                    master.RebootDetected = true;
                    master.RebootDetectedAtMs = now;
                }
                record.RunId = runId;
            }
        }

        DiscoverReplicas(record, report);
        if (record is MasterRecord && report.Role == ReportedRole.Slave) DiscoverUpstream(record, report);

        record.MasterLinkDownTimeMs = report.MasterLinkDownTimeMs;
        ApplyReplicationFields(record, report, now);
        record.InfoRefreshedAtMs = now;
        if (record is MasterRecord monitored && report.ReplicaAcknowledgedRecently)
        {
            monitored.ReplicasAcknowledgedAtMs = now;
            if (!report.ReplicaLagging) monitored.AllReplicasAcknowledgedAtMs = now;
        }

        if (report.Role != record.RoleReported)
        {
            record.RoleReportedAtMs = now;
            record.RoleReported = report.Role;
            if (report.Role == ReportedRole.Slave) record.ReportedMasterChangedAtMs = now;
            bool coherent = (record.Kind, report.Role) is (InstanceKind.Master, ReportedRole.Master) or (InstanceKind.Slave, ReportedRole.Slave);
            events.About(LogLevel.Verbose, coherent ? "+role-change" : "-role-change", record,
                $" new reported role is {(report.Role == ReportedRole.Master ? "master" : "slave")}");
        }

        if (tilt.Active) return;

        // Acting on the reported role (compatibility-rules §3.2 steps 3-6): promotion success, convergence, reconfiguration progress.
        failover.OnInfo(record, report.Role);
    }

    /// <summary>
    /// Replicas are learned from the master's INFO and, unlike the reference, from its replicas' too: a node that
    /// replicates from one of them (an old master turned replica, say) is otherwise invisible to every sentinel that
    /// did not see it under the master, and stays chained for ever (seed 11205). Once known, the usual convergence
    /// rule points it at the master.
    /// </summary>
    private void DiscoverReplicas(DataNodeRecord reporter, InfoReport report)
    {
        foreach (var (host, port) in report.Replicas) LearnReplica(reporter, host, port);
    }

    /// <summary>
    /// Unlike the reference, the node a monitored master reports replicating from is learned as a replica of the
    /// group: a master that every sentinel was made to forget (REMOVE then MONITOR of the old address) after a
    /// failover holds the data, while the old master follows it and lists no replicas of its own. The reference
    /// knows no replica then, every failover ends in <c>-failover-abort-no-good-slave</c>, and the group is stuck
    /// for ever (seed 58543). Once known, the node is a candidate like any other replica.
    /// </summary>
    private void DiscoverUpstream(DataNodeRecord reporter, InfoReport report)
    {
        if (report.MasterHost is not { } host || report.MasterPort is not { } port || port <= 0) return;
        LearnReplica(reporter, host, port);
    }

    /// <summary>
    /// Adds a replica record unless the address is the master's own or already known (+slave, saved). A hostname
    /// never answered yet is left for the INFO asked again once it is (the record would otherwise be named after an
    /// IP not known yet).
    /// </summary>
    private void LearnReplica(DataNodeRecord reporter, string host, int port)
    {
        var owner = reporter.OwningMaster;
        if (resolver.IsUnanswered(host))
        {
            _awaitingAnswers.Add(reporter);
            return;
        }
        if (port == owner.Address.Port && resolver.AddressEqualsHostname(owner.Address, host)) return;
        if (topology.FindReplica(owner, host, port) is not null) return;
        if (topology.CreateReplica(owner, host, port) is { } replica)
        {
            events.About(LogLevel.Notice, "+slave", replica);
            effects.RequestDiscoveryPersist();
        }
    }

    private static void ApplyReplicationFields(DataNodeRecord record, InfoReport report, long now)
    {
        if (report.MasterHost is { } host
            && (record.ReportedMasterHost is null || !string.Equals(host, record.ReportedMasterHost, StringComparison.OrdinalIgnoreCase)))
        {
            record.ReportedMasterHost = host;
            record.ReportedMasterChangedAtMs = now;
        }
        if (report.MasterPort is { } port && port != record.ReportedMasterPort)
        {
            record.ReportedMasterPort = port;
            record.ReportedMasterChangedAtMs = now;
        }
        if (report.MasterLinkUp is { } up) record.MasterLinkUp = up;
        if (report.SlavePriority is { } priority)
        {
            record.SlavePriority = priority;
            record.PriorityReported = true;
        }
        if (report.SlaveReplOffset is { } offset) record.SlaveReplOffset = offset;
        if (report.ReplicaAnnounced is { } announced) record.ReplicaAnnounced = announced;
        if (report.MasterReplOffset is { } replOffset) record.MasterReplOffset = replOffset;
    }
}
