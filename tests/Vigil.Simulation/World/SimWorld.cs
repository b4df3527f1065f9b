using Vigil.Sentinel.Config;
using Vigil.Simulation.Clients;
using Vigil.Simulation.Faults;
using Vigil.Simulation.Invariants;
using Vigil.Simulation.Network;
using Vigil.Simulation.Redis;
using Vigil.Simulation.Scheduling;
using Vigil.Simulation.Sentinels;
using Vigil.Simulation.Tracing;

namespace Vigil.Simulation.World;

/// <summary>
/// One seeded world: real sentinel cores, modelled Redis groups, writing clients, a network, a fault injector and
/// the invariant checker, all driven by one <see cref="Random"/> and one discrete-event queue. <see cref="Run"/>
/// plays warm-up, chaos, heal and settle, and reports the first broken invariant with the trace leading to it.
/// </summary>
internal sealed class SimWorld
{
    /// <summary>How often convergence is looked at once everything is healed.</summary>
    private const long ConvergencePollMs = 1000;

    private readonly Dictionary<(string Host, int Port), (IConnectionServer Server, int HostId)> _servers = [];
    private readonly Dictionary<(string Host, int Port), RedisNode> _redisByAddress = [];
    private readonly HashSet<int> _dataLossGroups = [];
    private Dictionary<string, int>? _groupByMasterName;
    private long _nextWriteId;
    private long _maxDownAfterMs;
    private long _maxFailoverTimeoutMs;

    /// <summary>
    /// Whether the cores prove on every tick that the masters they skipped had nothing due
    /// (<see cref="Vigil.Sentinel.CoreOptions.CheckSkippedVisits"/>). The proof visits every record per tick, so a
    /// large fleet, run to count the work per input, goes without it.
    /// </summary>
    public bool CheckSkippedVisits => Scenario.GroupCount <= 100;

    public SimWorld(int seed, SimWorldOptions options)
    {
        Seed = seed;
        Options = options;
        Random = new Random(seed);
        var generated = ScenarioGenerator.Generate(seed, options.Profile, Random, options.ForgedHellos);
        Scenario = options.AdjustScenario?.Invoke(generated) ?? generated;
        Queue = new EventQueue();
        Trace = new Trace(options.TraceCapacity) { Live = options.LiveTrace };
        _maxDownAfterMs = Scenario.DownAfterMs.Max();
        _maxFailoverTimeoutMs = Scenario.FailoverTimeoutMs.Max();

        var hostNames = new List<string>();
        for (int i = 0; i < Scenario.SentinelCount; i++) hostNames.Add($"sentinel-{i}");
        var specs = new List<RedisNodeSpec>();
        for (int g = 0; g < Scenario.GroupCount; g++)
        {
            for (int i = 0; i <= Scenario.ReplicasPerGroup[g]; i++)
            {
                specs.Add(new RedisNodeSpec
                {
                    Group = g,
                    Index = i,
                    Ip = NodeIp(g, i),
                    Port = 7000 + i,
                    ReplicaOf = i == 0 ? null : new RedisAddress(NodeIp(g, 0), 7000),
                    Priority = Scenario.Priorities[g][i],
                    MinReplicasToWrite = Scenario.MinReplicasToWrite[g],
                    MinReplicasMaxLagSeconds = Scenario.MinReplicasMaxLagSeconds,
                    ReplTimeoutMs = Scenario.ReplTimeoutMs,
                });
                hostNames.Add($"redis-{g}.{i}");
            }
        }
        int firstClientHost = hostNames.Count;
        for (int g = 0; g < Scenario.GroupCount; g++) hostNames.Add($"client-{g}");
        int outsiderHost = hostNames.Count;
        hostNames.Add("outsider");

        Network = new SimNetwork(Queue, Random, hostNames, Scenario.Network);
        Checker = new InvariantChecker(this, Scenario.SentinelCount);
        Operator = new Operator(this);
        Faults = new FaultInjector(this);
        Names = new NameService(this, seed);

        var redis = new List<RedisNode>();
        for (int i = 0; i < specs.Count; i++)
        {
            var node = new RedisNode(this, specs[i], Scenario.SentinelCount + i);
            redis.Add(node);
            _redisByAddress[(node.Ip, node.Port)] = node;
            _servers[(node.Ip, node.Port)] = (node, node.HostId);
        }
        Redis = redis;

        if (Scenario.Hostnames)
        {
            for (int g = 0; g < Scenario.GroupCount; g++) Names.Register(NodeName(g, 0), NodeIp(g, 0));
        }
        var config = new SentinelConfig
        {
            Server = new ServerOptions { LogLevel = LogLevel.Warning },
            Sentinel = new SentinelOptions { ResolveHostnames = Scenario.Hostnames },
            Masters = Enumerable.Range(0, Scenario.GroupCount).Select(g => new MasterConfig
            {
                Name = Scenario.MasterNames[g],
                Host = Scenario.Hostnames ? NodeName(g, 0) : NodeIp(g, 0),
                Port = 7000,
                Quorum = Scenario.Quorums[g],
                DownAfterMs = Scenario.DownAfterMs[g],
                FailoverTimeoutMs = Scenario.FailoverTimeoutMs[g],
                ParallelSyncs = Scenario.ParallelSyncs[g],
            }).ToList(),
        };
        var sentinels = new List<SentinelNode>();
        for (int i = 0; i < Scenario.SentinelCount; i++)
        {
            int index = i;
            string ip = $"10.1.0.{i + 1}";
            int port = 27000 + i;
            var clock = new SimClock(1_000_000_000L + Random.Next(1_000_000), Scenario.DriftPpm[i]);
            var sentinelConfig = config with { Server = config.Server with { Port = port } };
            Func<Vigil.Sentinel.SentinelCore, ISentinelProcess> wrap = options.Wrap is { } custom
                ? core => custom(index, core)
                : core => new RealSentinel(core, Work);
            var sentinel = new SentinelNode(this, i, ip, port, i, clock, sentinelConfig, Scenario.DebugArgs, wrap);
            sentinels.Add(sentinel);
            _servers[(ip, port)] = (sentinel, i);
        }
        Sentinels = sentinels;

        Writers = Enumerable.Range(0, Scenario.GroupCount).Select(g => new WriterClient(this, g, firstClientHost + g, Scenario.WriteIntervalMs)).ToList();
        ForeignCandidates =
        [
            new ForeignCandidate(this, "feedfacefeedfacefeedfacefeedfacefeed0001", outsiderHost),
            new ForeignCandidate(this, "feedfacefeedfacefeedfacefeedfacefeed0002", outsiderHost),
        ];
        HelloForger = new HelloForger(this, outsiderHost);
    }

    public int Seed { get; }
    public SimWorldOptions Options { get; }
    public Random Random { get; }
    public Scenario Scenario { get; }
    public EventQueue Queue { get; }
    public Trace Trace { get; }
    public SimNetwork Network { get; }
    public InvariantChecker Checker { get; }
    public Operator Operator { get; }
    public FaultInjector Faults { get; }
    public NameService Names { get; }
    public IReadOnlyList<RedisNode> Redis { get; }

    /// <summary>Which nodes replicate from which host (kept by the nodes as their upstreams change).</summary>
    public ReplicaIndex Replicas { get; } = new();
    public IReadOnlyList<SentinelNode> Sentinels { get; }
    public IReadOnlyList<WriterClient> Writers { get; }
    public IReadOnlyList<ForeignCandidate> ForeignCandidates { get; }
    public HelloForger HelloForger { get; }

    /// <summary>The real cores' counted work (see <see cref="CoreWork"/>).</summary>
    public CoreWork Work { get; } = new();
    public bool Healed { get; private set; }
    public long NowMs => Queue.NowMs;

    public string NewRunId()
    {
        Span<char> chars = stackalloc char[40];
        for (int i = 0; i < chars.Length; i++) chars[i] = "0123456789abcdef"[Random.Next(16)];
        return new string(chars);
    }

    public long NextWriteId() => ++_nextWriteId;

    public RedisNode? FindRedis(string host, int port) => _redisByAddress.GetValueOrDefault((host, port));

    public RedisNode? FindRedis(RedisAddress address) => FindRedis(address.Host, address.Port);

    /// <summary>Who listens at host:port; unknown addresses get a null server (connections time out).</summary>
    public (IConnectionServer? Server, int Host) FindServer(string host, int port, int fallbackHost) =>
        _servers.TryGetValue((host, port), out var found) ? (found.Server, found.HostId) : (null, fallbackHost);

    /// <summary>The group of the master named <paramref name="name"/> (the first such group), or -1.</summary>
    public int GroupOfMaster(string name)
    {
        // Asked for every hello on the wire: a fleet's thousand names are not walked each time.
        if (_groupByMasterName is null)
        {
            _groupByMasterName = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int g = 0; g < Scenario.MasterNames.Count; g++) _groupByMasterName.TryAdd(Scenario.MasterNames[g], g);
        }
        return _groupByMasterName.TryGetValue(name, out int group) ? group : -1;
    }

    /// <summary>Node <paramref name="index"/> of a group: 10.0.g.x for the first 256 groups (as always), then 10.2.0.x on.</summary>
    private static string NodeName(int group, int index) => $"redis-{group}-{index}.sim";

    private static string NodeIp(int group, int index) =>
        group < 256 ? $"10.0.{group}.{index + 1}" : $"10.{1 + group / 256}.{group % 256}.{index + 1}";

    public RedisNode InitialMaster(int group) => Redis.First(n => n.Group == group && n.Spec.ReplicaOf is null);

    public void NoteDataLoss(int group) => _dataLossGroups.Add(group);

    public void NoteDownAfter(long ms) => _maxDownAfterMs = Math.Max(_maxDownAfterMs, ms);

    public void NoteFailoverTimeout(long ms) => _maxFailoverTimeoutMs = Math.Max(_maxFailoverTimeoutMs, ms);

    /// <summary>
    /// How long after healing the world must have converged: TILT's period, a few failover timeouts (an election
    /// lost to a split vote blocks its candidates for two), detection and INFO-driven discovery. A sentinel whose
    /// clock went back gets no extra time: its core's clock never goes back, so nothing waits for it to catch up.
    /// </summary>
    public long SettleLimitMs =>
        Scenario.TiltPeriodMs + 4 * _maxFailoverTimeoutMs + 3 * _maxDownAfterMs + 2 * Scenario.InfoPeriodMs + 20000;

    public SeedResult Run()
    {
        long healAt = Scenario.WarmupMs + Scenario.ChaosMs;
        long? convergedAfter = null;
        long lost = 0;
        try
        {
            Start();
            Queue.At(Scenario.WarmupMs, () => Faults.Start(Scenario.WarmupMs, healAt));
            if (Scenario.PlannedFailover)
            {
                Queue.At(Scenario.WarmupMs + Scenario.ChaosMs / 2, () =>
                {
                    var sentinel = Sentinels[Random.Next(Sentinels.Count)];
                    Operator.Failover(sentinel, Random.Next(Scenario.GroupCount));
                });
            }
            Queue.RunUntil(healAt);
            Faults.HealAll();
            Healed = true;
            Queue.At(healAt + Checker.DemotionBoundMs, () => Checker.CheckStaleMastersDemoted(healAt));

            long deadline = healAt + SettleLimitMs;
            string? problem = "not checked yet";
            int consecutive = 0;
            for (long at = healAt + ConvergencePollMs; at <= deadline; at += ConvergencePollMs)
            {
                Queue.RunUntil(at);
                problem = LivenessCheck.Check(this);
                Trace.Add(NowMs, "convergence", problem ?? "converged");
                consecutive = problem is null ? consecutive + 1 : 0;
                if (consecutive == 2)
                {
                    convergedAfter = at - healAt;
                    break;
                }
            }
            if (convergedAfter is null)
            {
                throw new InvariantViolationException("liveness",
                    $"not converged {SettleLimitMs} ms after every fault was healed: {problem ?? "converged only at the deadline"}");
            }
            lost = WriteAudit.Check(this, _dataLossGroups);
            Trace.Add(NowMs, "world", $"converged {convergedAfter} ms after heal; {Writers.Sum(w => w.Acked.Count)} writes acknowledged, {lost} lost");
            return Result(null, null, convergedAfter, lost);
        }
        catch (InvariantViolationException violation)
        {
            Trace.Add(NowMs, "checker", $"VIOLATION {violation.Message}");
            return Result(violation.Invariant, violation.Detail, convergedAfter, lost);
        }
        catch (Exception crash) when (crash is not OutOfMemoryException)
        {
            Trace.Add(NowMs, "checker", $"EXCEPTION {crash}");
            return Result("no-exceptions", $"{crash.GetType().Name}: {crash.Message} at {crash.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}", convergedAfter, lost);
        }
    }

    /// <summary>How often every sentinel is asked, as a client would, where each master is and with which epoch.</summary>
    private const long ClientViewProbeMs = 5000;

    private void ProbeClientViews()
    {
        Queue.After(ClientViewProbeMs, ProbeClientViews);
        foreach (var sentinel in Sentinels)
        {
            foreach (string name in Scenario.MasterNames)
            {
                if (sentinel.Execute("get-master-addr-by-name", name) is not Vigil.Resp.RespArray { Items: [Vigil.Resp.RespBulkString ip, Vigil.Resp.RespBulkString port] }) continue;
                if (sentinel.Execute("master", name) is not Vigil.Resp.RespMap master) continue;
                if (long.TryParse(LivenessCheck.Field(master, "config-epoch"), out long epoch)) Checker.OnClientView(sentinel, name, epoch, $"{ip.Text}:{port.Text}");
            }
        }
    }

    /// <summary>Starts every process without scheduling any fault (directed tests drive the world themselves).</summary>
    public void Boot() => Start();

    private void Start()
    {
        Queue.At(ClientViewProbeMs, ProbeClientViews);
        foreach (var node in Redis) node.Start();
        foreach (var sentinel in Sentinels) Queue.At(Random.Next(300), sentinel.Start);
        foreach (var writer in Writers) writer.Start();
        Trace.Add(0, "world", $"seed {Seed}: {Scenario.Describe()}");
    }

    private SeedResult Result(string? invariant, string? detail, long? convergedAfter, long lost) => new()
    {
        Seed = Seed,
        Scenario = Scenario.Describe(),
        Invariant = invariant,
        Detail = detail,
        TraceTail = invariant is null ? [] : Trace.Tail(200),
        SimulatedMs = NowMs,
        EventsRun = Queue.EventsRun,
        ConvergedAfterHealMs = convergedAfter,
        WritesAcked = Writers.Sum(w => (long)w.Acked.Count),
        WritesLost = lost,
        Stats = Checker.Stats,
        Faults = new Dictionary<FaultKind, int>(Faults.Counts),
    };
}
