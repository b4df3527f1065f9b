using System.Globalization;
using System.Text;
using Vigil.Resp;
using Vigil.Sentinel.Failover;
using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Commands;

/// <summary>
/// Instance objects (compatibility-rules §10.4): field names and order of the reference, every value a bulk string. Returned as a
/// RESP3 map; the host's writer flattens it for RESP2 clients.
/// </summary>
internal static class InstanceObjects
{
    /// <summary>The <c>flags</c> words in the order the reference prints them.</summary>
    private static readonly (string Word, Func<InstanceRecord, bool> IsSet)[] FlagTable =
    [
        ("s_down", r => r.IsSubjectivelyDown),
        ("o_down", r => r is MasterRecord { IsObjectivelyDown: true }),
        ("master", r => r.Kind == InstanceKind.Master),
        ("slave", r => r.Kind == InstanceKind.Slave),
        ("sentinel", r => r.Kind == InstanceKind.Sentinel),
        ("disconnected", r => r.Link.IsDisconnected),
        ("master_down", r => r is PeerRecord { SaysMasterDown: true }),
        ("failover_in_progress", r => r is MasterRecord { FailoverInProgress: true }),
        ("promoted", r => r is ReplicaRecord { IsPromoted: true }),
        ("reconf_sent", r => r is ReplicaRecord { ReconfSent: true }),
        ("reconf_inprog", r => r is ReplicaRecord { ReconfInProgress: true }),
        ("reconf_done", r => r is ReplicaRecord { ReconfDone: true }),
        ("force_failover", r => r is MasterRecord { ForceFailover: true }),
        ("script_kill_sent", r => r is DataNodeRecord { ScriptKillSent: true }),
    ];

    public static string Flags(InstanceRecord record)
    {
        var sb = new StringBuilder();
        foreach (var (word, isSet) in FlagTable)
        {
            if (!isSet(record)) continue;
            if (sb.Length > 0) sb.Append(',');
            sb.Append(word);
        }
        return sb.ToString();
    }

    public static RespMap Describe(InstanceRecord record, long now, bool announceHostnames)
    {
        var fields = new List<KeyValuePair<RespValue, RespValue>>(24);
        void Add(string name, string value) => fields.Add(new(RespValue.Bulk(name), RespValue.Bulk(value)));
        void AddNumber(string name, long value) => Add(name, value.ToString(CultureInfo.InvariantCulture));

        var link = record.Link;
        Add("name", record.Name);
        Add("ip", record.Address.Announced(announceHostnames));
        AddNumber("port", record.Address.Port);
        Add("runid", record.RunId ?? "");
        Add("flags", Flags(record));
        AddNumber("link-pending-commands", link.PendingCommands);
        AddNumber("link-refcount", link.RefCount);
        if (record is MasterRecord { FailoverInProgress: true } failing) Add("failover-state", failing.FailoverState.Wire());
        AddNumber("last-ping-sent", link.ActivePingSentAtMs != 0 ? now - link.ActivePingSentAtMs : 0);
        AddNumber("last-ok-ping-reply", now - link.LastAvailableAtMs);
        AddNumber("last-ping-reply", now - link.LastPongAtMs);
        if (record.IsSubjectivelyDown) AddNumber("s-down-time", now - record.SubjectivelyDownSinceMs);
        if (record is MasterRecord { IsObjectivelyDown: true } odown) AddNumber("o-down-time", now - odown.ObjectivelyDownSinceMs);
        AddNumber("down-after-milliseconds", record.DownAfterMs);

        if (record is DataNodeRecord node)
        {
            AddNumber("info-refresh", node.InfoRefreshedAtMs != 0 ? now - node.InfoRefreshedAtMs : 0);
            Add("role-reported", node.RoleReported == ReportedRole.Master ? "master" : "slave");
            AddNumber("role-reported-time", now - node.RoleReportedAtMs);
        }

        switch (record)
        {
            case MasterRecord master:
                var settings = master.Settings;
                AddNumber("config-epoch", master.ConfigEpoch);
                AddNumber("num-slaves", master.Replicas.Count);
                AddNumber("num-other-sentinels", master.Peers.Count);
                AddNumber("quorum", settings.Quorum);
                AddNumber("failover-timeout", settings.FailoverTimeoutMs);
                AddNumber("parallel-syncs", settings.ParallelSyncs);
                if (settings.NotificationScript is { } notification) Add("notification-script", notification);
                if (settings.ClientReconfigScript is { } reconfig) Add("client-reconfig-script", reconfig);
                break;
            case ReplicaRecord replica:
                AddNumber("master-link-down-time", replica.MasterLinkDownTimeMs);
                Add("master-link-status", replica.MasterLinkUp ? "ok" : "err");
                Add("master-host", replica.ReportedMasterHost ?? "?");
                AddNumber("master-port", replica.ReportedMasterPort);
                AddNumber("slave-priority", replica.SlavePriority);
                Add("slave-repl-offset", replica.SlaveReplOffset.ToString(CultureInfo.InvariantCulture));
                AddNumber("replica-announced", replica.ReplicaAnnounced);
                break;
            case PeerRecord peer:
                AddNumber("last-hello-message", now - peer.LastHelloReceivedAtMs);
                Add("voted-leader", peer.Leader ?? "?");
                AddNumber("voted-leader-epoch", peer.LeaderEpoch);
                break;
        }
        return new RespMap(fields);
    }
}
