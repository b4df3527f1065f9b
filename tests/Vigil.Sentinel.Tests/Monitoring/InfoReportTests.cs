using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Tests.Monitoring;

/// <summary>The INFO fields a sentinel reads, from replies shaped as Redis 7.0 writes them (and older replica lines).</summary>
public sealed class InfoReportTests
{
    private const string RunId = "0123456789abcdef0123456789abcdef01234567";

    [Fact]
    public void AMasterReplyGivesItsRunIdOffsetAndReplicasInBothFormats()
    {
        var report = InfoReport.Parse(string.Join("\r\n",
            "# Server", $"run_id:{RunId}", "# Replication", "role:master", "connected_slaves:3",
            "slave0:ip=10.0.0.2,port=6380,state=online,offset=100,lag=0",
            "slave1:ip=10.0.0.3,port=6381,state=wait_bgsave,offset=0,lag=0",
            "slave2:10.0.0.4,6382,online",
            "master_repl_offset:12345", "master_host:ignored-on-a-master", ""));

        Assert.Equal(RunId, report.RunId);
        Assert.Equal(ReportedRole.Master, report.Role);
        Assert.Equal([("10.0.0.2", 6380), ("10.0.0.3", 6381), ("10.0.0.4", 6382)], report.Replicas);
        Assert.True(report.ReplicaAcknowledgedRecently);
        Assert.True(report.ReplicaLagging);
        Assert.Equal(12345UL, report.MasterReplOffset);
        Assert.Null(report.MasterHost);
    }

    [Fact]
    public void AReplicaReplyGivesItsMasterAndLinkFieldsOnlyAfterRoleSlave()
    {
        var report = InfoReport.Parse(string.Join("\r\n",
            "master_port:1", "role:slave", "master_host:10.0.0.1", "master_port:6379", "master_link_status:UP",
            "master_link_down_since_seconds:7", "slave_priority:90", "slave_repl_offset:777", "replica_announced:0"));

        Assert.Equal(ReportedRole.Slave, report.Role);
        Assert.Equal("10.0.0.1", report.MasterHost);
        Assert.Equal(6379, report.MasterPort);
        Assert.True(report.MasterLinkUp);
        Assert.Equal(7000, report.MasterLinkDownTimeMs);
        Assert.Equal(90, report.SlavePriority);
        Assert.Equal(777UL, report.SlaveReplOffset);
        Assert.Equal(0, report.ReplicaAnnounced);
    }

    [Fact]
    public void OnlyCrLfEndsALine()
    {
        // A bare LF is part of the line, as the reference splits on CRLF: this master_host is not "10.0.0.1".
        var report = InfoReport.Parse("role:slave\r\nmaster_host:10.0.0.1\nx\r\nmaster_link_status:down");

        Assert.Equal("10.0.0.1\nx", report.MasterHost);
        Assert.False(report.MasterLinkUp);
    }

    [Fact]
    public void ShortOrMalformedLinesAreIgnored()
    {
        var report = InfoReport.Parse("run_id:short\r\nslave0:\r\nslave1:nocomma\r\nslaveX:ip=1,port=2\r\n\r\n");

        Assert.Null(report.RunId);
        Assert.Empty(report.Replicas);
        Assert.Equal(ReportedRole.None, report.Role);
    }
}
