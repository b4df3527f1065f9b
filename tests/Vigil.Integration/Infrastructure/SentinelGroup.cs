using System.Globalization;

namespace Vigil.Integration.Infrastructure;

/// <summary>
/// A master, its replicas and the sentinels watching them, all real processes in one temporary
/// directory, with the events each sentinel published since the test subscribed. Disposing stops
/// everything it started.
/// </summary>
public sealed class SentinelGroup : IAsyncDisposable
{
    private readonly List<RunningNode> _nodes = [];
    private readonly Dictionary<int, string[]> _redisArgs = [];
    private readonly List<(string Name, SentinelEvents Events)> _logs = [];

    public TempDir Dir { get; } = new();

    /// <summary>Set before the first node starts: every Redis of the group is TLS-only, replicating over TLS.</summary>
    public TestCertificates? Tls { get; set; }
    public RunningNode Master { get; private set; } = null!;
    public List<RunningNode> Replicas { get; } = [];
    public List<RunningNode> Sentinels { get; } = [];

    /// <summary>Every Redis of the group, the first master included.</summary>
    public IEnumerable<RunningNode> DataNodes => [Master, .. Replicas];

    public async Task<RunningNode> StartMasterAsync(params string[] args)
    {
        Master = await StartRedisAsync(FreePort.Next(), args);
        return Master;
    }

    public async Task<RunningNode> StartReplicaAsync(params string[] args)
    {
        var replica = await StartRedisAsync(FreePort.Next(), ["--replicaof", "127.0.0.1", Master.Port.ToString(CultureInfo.InvariantCulture), .. args]);
        Replicas.Add(replica);
        return replica;
    }

    /// <summary>Starts a stopped Redis again on its port and data directory, with the arguments it first had.</summary>
    public async Task<RunningNode> RestartAsync(RunningNode stopped)
    {
        if (!stopped.Process.HasExited) throw new InvalidOperationException($"redis {stopped.Port} is still running");
        var node = await StartRedisAsync(stopped.Port, _redisArgs[stopped.Port]);
        if (stopped == Master) Master = node;
        var index = Replicas.IndexOf(stopped);
        if (index >= 0) Replicas[index] = node;
        return node;
    }

    private async Task<RunningNode> StartRedisAsync(int port, string[] args)
    {
        var node = Track(await RedisNodes.StartRedisOnPortAsync(Dir, port, args, Tls));
        _redisArgs[port] = args;
        return node;
    }

    /// <summary>The sentinel.conf lines for the group's master, with short timers.</summary>
    public string[] SentinelConfig(int quorum, int downAfterMs = 2000, int failoverTimeoutMs = 10000, params string[] extra) =>
    [
        $"sentinel monitor {Topology.MasterName} 127.0.0.1 {Master.Port} {quorum}",
        $"sentinel down-after-milliseconds {Topology.MasterName} {downAfterMs}",
        $"sentinel failover-timeout {Topology.MasterName} {failoverTimeoutMs}",
        .. extra,
    ];

    public async Task<RunningNode> StartVigilAsync(string[] config)
    {
        var sentinel = Track(await RedisNodes.StartVigilAsync(Dir, config));
        Sentinels.Add(sentinel);
        return sentinel;
    }

    public async Task<RunningNode> StartReferenceAsync(string[] config)
    {
        var sentinel = Track(await RedisNodes.StartReferenceSentinelAsync(Dir, config));
        Sentinels.Add(sentinel);
        return sentinel;
    }

    /// <summary>Records every event the sentinel publishes from now on; <paramref name="name"/> labels it in failure messages.</summary>
    public async Task<SentinelEvents> SubscribeAsync(RunningNode sentinel, string name)
    {
        var events = await SentinelEvents.SubscribeAsync(sentinel);
        _logs.Add((name, events));
        return events;
    }

    /// <summary>Every event recorded so far, per sentinel, for a failure message.</summary>
    public string DescribeEvents() => Topology.Describe(_logs);

    /// <summary>Waits for a condition; on timeout the exception carries every recorded event.</summary>
    public async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        try
        {
            await Wait.UntilAsync(condition, timeout, what);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; {DescribeEvents()}", ex);
        }
    }

    public Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        WaitAsync(() => Task.FromResult(condition()), timeout, what);

    /// <summary>Waits until the group agrees on <paramref name="masterPort"/> (see <see cref="Topology.DisagreementAsync"/>).</summary>
    public async Task WaitForAgreementAsync(int masterPort, TimeSpan timeout)
    {
        string? last = "not checked yet";
        try
        {
            await Wait.UntilAsync(async () =>
            {
                last = await Topology.DisagreementAsync(Sentinels, DataNodes, masterPort);
                return last is null;
            }, timeout, $"every node and sentinel agreeing on master {masterPort}");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; last: {last}; {DescribeEvents()}", ex);
        }
    }

    public RunningNode Track(RunningNode node)
    {
        _nodes.Add(node);
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, events) in _logs) await events.DisposeAsync();
        foreach (var node in _nodes) node.Dispose();
        Dir.Dispose();
    }
}
