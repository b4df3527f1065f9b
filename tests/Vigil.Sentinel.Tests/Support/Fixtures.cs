using Vigil.Sentinel.Config;

namespace Vigil.Sentinel.Tests.Support;

internal static class Fixtures
{
    public const string MasterIp = "10.0.0.1";
    public const int MasterPort = 7001;
    public const string ReplicaIp = "10.0.0.2";
    public const int ReplicaPort = 7002;
    public const int MyPort = 7100;
    public const string PeerA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    public const string PeerB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    public const string PeerC = "cccccccccccccccccccccccccccccccccccccccc";
    public const long StartMs = 1_000_000;

    public static MasterConfig Master(string name = "mymaster", string host = MasterIp, int port = MasterPort, int quorum = 2) =>
        new() { Name = name, Host = host, Port = port, Quorum = quorum, DownAfterMs = 5000 };

    public static SentinelConfig ConfigOf(params MasterConfig[] masters) => new()
    {
        Server = new ServerOptions { Port = MyPort, LogLevel = LogLevel.Debug },
        Masters = masters.Length == 0 ? [Master()] : masters,
    };

    public static CoreOptions Options(int seed = 7) => new()
    {
        RandomSeed = seed,
        ListeningPort = MyPort,
        StartNowMs = StartMs,
        CheckSkippedVisits = true,
    };

    /// <summary>The hosts of these tests find a script executable when its path starts with <c>/ok/</c>.</summary>
    public static bool IsExecutable(string path) => path.StartsWith("/ok/", StringComparison.Ordinal);

    public static string MasterInfo(string runId, params (string Ip, int Port)[] replicas)
    {
        var lines = new List<string>
        {
            "# Server", "redis_version:7.0.15", $"run_id:{runId}", "", "# Replication", "role:master",
            $"connected_slaves:{replicas.Length}",
        };
        for (int i = 0; i < replicas.Length; i++)
        {
            lines.Add($"slave{i}:ip={replicas[i].Ip},port={replicas[i].Port},state=online,offset=100,lag=0");
        }
        lines.Add("master_repl_offset:100");
        return string.Join("\r\n", lines) + "\r\n";
    }

    public static string ReplicaInfo(string runId, string masterHost, int masterPort, string linkStatus = "up",
        int priority = 100, long offset = 100, int? linkDownSeconds = null, int announced = 1)
    {
        var lines = new List<string>
        {
            "# Server", $"run_id:{runId}", "", "# Replication", "role:slave",
            $"master_host:{masterHost}", $"master_port:{masterPort}", $"master_link_status:{linkStatus}",
            "master_last_io_seconds_ago:1",
        };
        if (linkDownSeconds is { } down) lines.Add($"master_link_down_since_seconds:{down}");
        lines.Add($"slave_repl_offset:{offset}");
        lines.Add($"slave_priority:{priority}");
        lines.Add("slave_read_only:1");
        lines.Add($"replica_announced:{announced}");
        return string.Join("\r\n", lines) + "\r\n";
    }

    public static string RunId(char c) => new(c, 40);
}
