using System.Globalization;
using System.Text;

namespace Vigil.Simulation.Redis;

/// <summary>
/// <c>INFO</c> text in redis-server 7.0.15's format (section headers, field order and spelling as captured from the
/// real binary). Fields the model has no notion of carry plausible constants.
/// </summary>
internal static class RedisInfo
{
    public static string Build(RedisNode node, int connectedClients)
    {
        var sb = new StringBuilder(1536);
        long now = node.NowMs;
        void Line(string text) => sb.Append(text).Append("\r\n");
        void Field(string name, object value) => sb.Append(name).Append(':').Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append("\r\n");

        Line("# Server");
        Field("redis_version", "7.0.15");
        Field("redis_git_sha1", "00000000");
        Field("redis_git_dirty", 0);
        Field("redis_mode", "standalone");
        Field("os", "Linux 6.1.0 x86_64");
        Field("arch_bits", 64);
        Field("process_id", 1000 + node.HostId);
        Field("process_supervised", "no");
        Field("run_id", node.RunId);
        Field("tcp_port", node.Port);
        Field("uptime_in_seconds", (now - node.StartedAtMs) / 1000);
        Field("hz", 10);
        Field("configured_hz", 10);
        Line("");
        Line("# Clients");
        Field("connected_clients", connectedClients);
        Field("blocked_clients", 0);
        Line("");
        Line("# Persistence");
        Field("loading", node.IsLoading ? 1 : 0);
        Field("async_loading", 0);
        Field("rdb_bgsave_in_progress", 0);
        Field("aof_enabled", 1);
        Field("aof_rewrite_in_progress", 0);
        Line("");
        Line("# Replication");
        AppendReplication(node, now, Line, Field);
        Line("");
        Line("# Keyspace");
        if (node.Log.Count > 0) Line($"db0:keys={node.Log.Count.ToString(CultureInfo.InvariantCulture)},expires=0,avg_ttl=0");
        return sb.ToString();
    }

    private static void AppendReplication(RedisNode node, long now, Action<string> line, Action<string, object> field)
    {
        var replicas = node.AttachedReplicas().ToList();
        if (node.Upstream is { } upstream)
        {
            bool up = node.LinkState == ReplicationLinkState.Up;
            field("role", "slave");
            field("master_host", upstream.Host);
            field("master_port", upstream.Port);
            field("master_link_status", up ? "up" : "down");
            field("master_last_io_seconds_ago", up ? (now - node.LastIoMs) / 1000 : -1);
            field("master_sync_in_progress", node.LinkState == ReplicationLinkState.Syncing ? 1 : 0);
            field("slave_read_repl_offset", node.OffsetBytes);
            field("slave_repl_offset", node.OffsetBytes);
            if (node.LinkState == ReplicationLinkState.Syncing)
            {
                field("master_sync_total_bytes", -1);
                field("master_sync_read_bytes", 0);
                field("master_sync_left_bytes", -1);
                field("master_sync_perc", "-0.00");
                field("master_sync_last_io_seconds_ago", 0);
            }
            if (!up) field("master_link_down_since_seconds", node.LinkDownSinceMs != 0 ? (now - node.LinkDownSinceMs) / 1000 : -1);
            field("slave_priority", node.Priority);
            field("slave_read_only", 1);
            field("replica_announced", 1);
        }
        else
        {
            field("role", "master");
        }
        field("connected_slaves", replicas.Count);
        if (node.Spec.MinReplicasToWrite > 0) field("min_slaves_good_slaves", node.GoodReplicas());
        for (int i = 0; i < replicas.Count; i++)
        {
            var replica = replicas[i];
            string state = replica.LinkState == ReplicationLinkState.Up ? "online" : "wait_bgsave";
            long lag = (now - replica.LastAckAtUpstreamMs) / 1000;
            line(string.Create(CultureInfo.InvariantCulture,
                $"slave{i}:ip={replica.Ip},port={replica.Port},state={state},offset={replica.AckedCount * RedisNode.BytesPerWrite},lag={lag}"));
        }
        field("master_failover_state", "no-failover");
        field("master_replid", node.ReplId);
        field("master_replid2", "0000000000000000000000000000000000000000");
        field("master_repl_offset", node.OffsetBytes);
        field("second_repl_offset", -1);
        field("repl_backlog_active", 1);
        field("repl_backlog_size", 1048576);
        field("repl_backlog_first_byte_offset", 1);
        field("repl_backlog_histlen", Math.Min(node.OffsetBytes, 1048576));
    }
}
