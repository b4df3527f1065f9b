using System.Diagnostics;
using System.Globalization;

namespace Vigil.Demo;

/// <summary>
/// The demo's group on loopback: a master and two replicas (redis-server) and three sentinels
/// (this vigil, or the program given for a benchmark) watching it as <c>mymaster</c> with quorum 2.
/// </summary>
internal sealed class DemoTopology
{
    public const string MasterName = "mymaster";
    private const int SentinelCount = 3;
    private const int ReplicaCount = 2;

    // Vigil holds automatic failovers for four hello periods (8 s) after it starts monitoring, until it has
    // heard from its peers (docs/failover.md). A real fault comes long after start-up, so the demo and the
    // benchmark inject theirs into a settled group; both kinds of sentinel get the same wait.
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(9);
    private readonly Stopwatch _sinceStart = Stopwatch.StartNew();

    private readonly ChildProcesses _children;
    private readonly string _redisServer;

    /// <summary>The dashboard of each sentinel (Vigil only: redis-sentinel refuses the directive), in sentinel order.</summary>
    public IReadOnlyList<string> DashboardUrls { get; private set; } = [];

    private DemoTopology(ChildProcesses children, string redisServer, DemoNode master, DemoNode[] replicas, DemoNode[] sentinels)
    {
        _children = children;
        _redisServer = redisServer;
        Master = master;
        Replicas = replicas;
        Sentinels = sentinels;
    }

    public DemoNode Master { get; }
    public IReadOnlyList<DemoNode> Replicas { get; }
    public IReadOnlyList<DemoNode> Sentinels { get; }
    public IReadOnlyList<DemoNode> DataNodes => [Master, .. Replicas];
    public Process MasterProcess { get; private set; } = null!;

    /// <summary>Writes the configs and starts every process; does not wait for them (see <see cref="WaitReadyAsync"/>).</summary>
    public static DemoTopology Start(DemoOptions options, string root, ChildProcesses children, string redisServer)
    {
        var ports = new FreePorts();
        DemoNode NewNode(string name) => new(name, ports.Next(), Directory.CreateDirectory(Path.Combine(root, name)).FullName);
        var master = NewNode("master");
        var replicas = Enumerable.Range(1, ReplicaCount).Select(i => NewNode($"replica-{i}")).ToArray();
        var sentinels = Enumerable.Range(1, SentinelCount).Select(i => NewNode($"sentinel-{i}")).ToArray();
        var topology = new DemoTopology(children, redisServer, master, replicas, sentinels);
        topology.MasterProcess = topology.StartRedis(master, replicaOfPort: null);
        foreach (var replica in replicas) topology.StartRedis(replica, master.Port);
        var (program, prefixArgs) = options.SentinelBinary is { } binary
            ? (ExecutableSearch.Find(binary) ?? throw new InvalidOperationException($"sentinel program '{binary}' not found"), [])
            : ExecutableSearch.Self();
        var dashboards = new List<string>();
        foreach (var sentinel in sentinels)
        {
            var config = Path.Combine(sentinel.Directory, "sentinel.conf");
            List<string> lines =
            [
                $"port {sentinel.Port}",
                "bind 127.0.0.1",
                $"dir {sentinel.Directory}",
                $"logfile {Path.Combine(sentinel.Directory, "sentinel.log")}",
                $"sentinel monitor {MasterName} 127.0.0.1 {master.Port} 2",
                $"sentinel down-after-milliseconds {MasterName} {options.DownAfterMs.ToString(CultureInfo.InvariantCulture)}",
            ];
            if (options.SentinelBinary is null)
            {
                int httpPort = ports.Next();
                lines.Add($"vigil-http 127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}");
                dashboards.Add($"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}/");
            }
            File.WriteAllLines(config, lines);
            children.Start(program, [.. prefixArgs, config], sentinel.Directory, Path.Combine(sentinel.Directory, "stdout.log"));
        }
        topology.DashboardUrls = dashboards;
        return topology;
    }

    /// <summary>Starts the old master again on its port and data dir, as a master (the <c>kill</c> fault).</summary>
    public void RestartMaster() => MasterProcess = StartRedis(Master, replicaOfPort: null);

    private Process StartRedis(DemoNode node, int? replicaOfPort)
    {
        List<string> args =
        [
            "--port", node.Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--dir", node.Directory, "--save", "", "--appendonly", "no", "--daemonize", "no",
            "--enable-debug-command", "yes", "--repl-diskless-sync-delay", "0", "--logfile", Path.Combine(node.Directory, "redis.log"),
        ];
        if (replicaOfPort is { } port) args.AddRange(["--replicaof", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture)]);
        return _children.Start(_redisServer, args, node.Directory, Path.Combine(node.Directory, "stdout.log"));
    }

    /// <summary>
    /// Waits until both replicas are in sync with the master and every sentinel knows both replicas and
    /// both other sentinels, so that a failover can happen. Returns what is still missing on timeout.
    /// </summary>
    public async Task<string?> WaitReadyAsync(TimeSpan timeout, Action<string> progress, CancellationToken cancel)
    {
        var deadline = Stopwatch.StartNew();
        string missing = "";
        while (deadline.Elapsed < timeout)
        {
            missing = await MissingAsync(cancel).ConfigureAwait(false) ?? "";
            if (missing.Length == 0) return null;
            progress(missing);
            await Task.Delay(100, cancel).ConfigureAwait(false);
        }
        return missing;
    }

    private async Task<string?> MissingAsync(CancellationToken cancel)
    {
        foreach (var replica in Replicas)
        {
            if (!(await GroupProbe.RoleAsync(replica.Port, cancel).ConfigureAwait(false)).Follows(Master.Port))
                return $"{replica.Name} to sync with the master";
        }
        foreach (var sentinel in Sentinels)
        {
            // A sentinel that started slowly (a loaded machine) may be in TILT for 30 s and would not act on
            // the fault: the demo waits it out rather than show a failover that cannot happen.
            if (await GroupProbe.InTiltAsync(sentinel.Port, cancel).ConfigureAwait(false) is not false)
                return $"{sentinel.Name} to answer and leave TILT mode";
            var known = await GroupProbe.KnownPeersAsync(sentinel.Port, cancel).ConfigureAwait(false);
            if (known is not { Replicas: ReplicaCount, Sentinels: SentinelCount - 1 })
                return $"{sentinel.Name} to discover the replicas and the other sentinels";
        }
        return _sinceStart.Elapsed < SettleTime ? "the sentinels to settle" : null;
    }
}
