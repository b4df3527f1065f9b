using Vigil.Sentinel.Text;

namespace Vigil.Sentinel.Monitoring;

/// <summary>
/// The few INFO fields a sentinel uses (compatibility-rules §3.1), read line by line as the reference does: replication fields count
/// only after a <c>role:slave</c> line. Pure; applying it is <see cref="InfoHandler"/>'s job.
/// </summary>
internal sealed class InfoReport
{
    public string? RunId { get; private set; }

    /// <summary>Replicas listed by <c>slaveN:</c> lines (new <c>ip=..,port=..</c> or old <c>ip,port,state</c> form).</summary>
    public List<(string Host, int Port)> Replicas { get; } = [];

    public long MasterLinkDownTimeMs { get; private set; }

    /// <summary>
    /// A <c>slaveN:</c> line says <c>state=online</c> with <c>lag</c> at most <see cref="Limits.FenceReplicaLagLimitSeconds"/>:
    /// some replica acknowledged the master recently.
    /// </summary>
    public bool ReplicaAcknowledgedRecently { get; private set; }

    /// <summary>A <c>slaveN:</c> line shows a replica that has not acknowledged recently (or is not online).</summary>
    public bool ReplicaLagging { get; private set; }

    /// <summary><c>master_repl_offset</c> (any role); the reference does not read it, the planned switchover does.</summary>
    public ulong? MasterReplOffset { get; private set; }
    public ReportedRole Role { get; private set; }

    public string? MasterHost { get; private set; }
    public int? MasterPort { get; private set; }
    public bool? MasterLinkUp { get; private set; }
    public int? SlavePriority { get; private set; }
    public ulong? SlaveReplOffset { get; private set; }
    public int? ReplicaAnnounced { get; private set; }

    public static InfoReport Parse(string info)
    {
        // Line by line over the reply without splitting it: an INFO is a hundred lines or more, read every 10 s per
        // instance (every second in a failover), and only the few values kept become strings.
        var report = new InfoReport();
        var rest = info.AsSpan();
        while (true)
        {
            int end = rest.IndexOf("\r\n", StringComparison.Ordinal);
            report.ReadLine(end < 0 ? rest : rest[..end]);
            if (end < 0) break;
            rest = rest[(end + 2)..];
        }
        return report;
    }

    private void ReadLine(ReadOnlySpan<char> line)
    {
        if (line.Length >= 47 && line.StartsWith("run_id:", StringComparison.Ordinal))
        {
            RunId = line.Slice(7, 40).ToString();
        }

        if (line.Length >= 7 && line.StartsWith("slave", StringComparison.Ordinal) && char.IsAsciiDigit(line[5]))
        {
            if (TryReadReplicaLine(line, out var host, out int port)) Replicas.Add((host, port));
            if (IsRecentlyAcknowledging(line)) ReplicaAcknowledgedRecently = true;
            else ReplicaLagging = true;
        }

        if (line.Length >= 32 && line.StartsWith("master_link_down_since_seconds", StringComparison.Ordinal))
        {
            MasterLinkDownTimeMs = RedisNumbers.StrToLong(line[31..]) * 1000;
        }

        if (line.StartsWith("master_repl_offset:", StringComparison.Ordinal)) MasterReplOffset = RedisNumbers.StrToULong(line[19..]);

        if (line.StartsWith("role:master", StringComparison.Ordinal)) Role = ReportedRole.Master;
        else if (line.StartsWith("role:slave", StringComparison.Ordinal)) Role = ReportedRole.Slave;

        if (Role != ReportedRole.Slave) return;
        if (line.StartsWith("master_host:", StringComparison.Ordinal)) MasterHost = line[12..].ToString();
        if (line.StartsWith("master_port:", StringComparison.Ordinal)) MasterPort = RedisNumbers.AtoiSaturating(line[12..]);
        if (line.StartsWith("master_link_status:", StringComparison.Ordinal))
        {
            MasterLinkUp = line[19..].Equals("up", StringComparison.OrdinalIgnoreCase);
        }
        if (line.StartsWith("slave_priority:", StringComparison.Ordinal)) SlavePriority = RedisNumbers.AtoiSaturating(line[15..]);
        if (line.StartsWith("slave_repl_offset:", StringComparison.Ordinal)) SlaveReplOffset = RedisNumbers.StrToULong(line[18..]);
        if (line.StartsWith("replica_announced:", StringComparison.Ordinal)) ReplicaAnnounced = RedisNumbers.AtoiSaturating(line[18..]);
    }

    private static bool TryReadReplicaLine(ReadOnlySpan<char> line, out string host, out int port)
    {
        host = "";
        port = 0;
        int ipAt = line.IndexOf("ip=", StringComparison.Ordinal);
        if (ipAt < 0)
        {
            // Old format: slave0:<ip>,<port>,<state>
            int colon = line.IndexOf(':');
            if (colon < 0) return false;
            int comma = IndexOf(line, ',', colon + 1);
            if (comma < 0) return false;
            int end = IndexOf(line, ',', comma + 1);
            if (end < 0) return false;
            host = line[(colon + 1)..comma].ToString();
            port = RedisNumbers.AtoiSaturating(line.Slice(comma + 1, end - comma - 1));
            return true;
        }
        int portAt = line.IndexOf("port=", StringComparison.Ordinal);
        if (portAt < 0) return false;
        host = UpToComma(line, ipAt + 3).ToString();
        port = RedisNumbers.AtoiSaturating(UpToComma(line, portAt + 5));
        return true;
    }

    /// <summary>New-format replica line (<c>...,state=online,offset=..,lag=N</c>) with a small lag.</summary>
    private static bool IsRecentlyAcknowledging(ReadOnlySpan<char> line)
    {
        if (line.IndexOf(",state=online,", StringComparison.Ordinal) < 0) return false;
        int lagAt = line.IndexOf(",lag=", StringComparison.Ordinal);
        if (lagAt < 0) return false;
        return long.TryParse(UpToComma(line, lagAt + 5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long lag)
            && lag <= Limits.FenceReplicaLagLimitSeconds;
    }

    private static ReadOnlySpan<char> UpToComma(ReadOnlySpan<char> line, int start)
    {
        int end = IndexOf(line, ',', start);
        return end < 0 ? line[start..] : line[start..end];
    }

    /// <summary>The first <paramref name="value"/> at or after <paramref name="start"/>, as string.IndexOf(char, int) finds it.</summary>
    private static int IndexOf(ReadOnlySpan<char> line, char value, int start)
    {
        int found = line[start..].IndexOf(value);
        return found < 0 ? -1 : start + found;
    }
}
