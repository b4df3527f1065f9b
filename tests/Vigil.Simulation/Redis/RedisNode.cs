using Vigil.Simulation.Network;
using Vigil.Simulation.World;

namespace Vigil.Simulation.Redis;

/// <summary>
/// A model of one redis-server 7.0 instance: its role, its dataset as an ordered log of write ids (offsets advance
/// with it), replication with partial and full resync, the commands a sentinel and a client send, pub/sub,
/// freezes (DEBUG SLEEP: nothing answered, everything run afterwards), busy scripts, loading after a restart,
/// crashes and restarts with or without data. Acknowledged writes are durable across a restart "with data"
/// (appendfsync always); a restart without data starts empty.
/// </summary>
internal sealed partial class RedisNode : IConnectionServer
{
    /// <summary>Replication offsets advance by this many bytes per write.</summary>
    public const int BytesPerWrite = 64;

    /// <summary>How often the replica side of replication runs (connect, stream, acknowledge, time out).</summary>
    private const long ReplicationCronMs = 200;

    /// <summary>A replica retries connecting to its master once a second, as replicationCron does.</summary>
    private const long SyncRetryMs = 1000;

    private readonly SimWorld _world;
    private readonly List<SimConnection> _clients = [];
    private readonly Queue<(SimConnection Connection, string[] Args)> _frozenInbox = new();
    private int _incarnation;
    private RedisAddress? _upstream;
    private string? _name;
    private string? _helloSource;

    public RedisNode(SimWorld world, RedisNodeSpec spec, int hostId)
    {
        _world = world;
        Spec = spec;
        HostId = hostId;
        Upstream = spec.ReplicaOf;
        ConfiguredUpstream = spec.ReplicaOf;
        RunId = world.NewRunId();
        ReplId = world.NewRunId();
    }

    public RedisNodeSpec Spec { get; }
    public int Group => Spec.Group;
    public string Ip => Spec.Ip;
    public int Port => Spec.Port;
    public int HostId { get; }
    public RedisAddress Address => new(Spec.Ip, Spec.Port);
    public string Name => _name ??= $"redis-{Spec.Group}.{Spec.Index}";
    public int Priority => Spec.Priority;

    public string RunId { get; private set; }
    public string ReplId { get; private set; }
    public bool Running { get; private set; }
    public long DownSinceMs { get; private set; }
    public long StartedAtMs { get; private set; }

    /// <summary>Null for a master; else the address given to REPLICAOF.</summary>
    public RedisAddress? Upstream
    {
        get => _upstream;
        private set
        {
            _world.Replicas.Move(this, _upstream, value);
            _upstream = value;
        }
    }

    /// <summary>The role written to the config file (initial config, then CONFIG REWRITE); used at restart.</summary>
    public RedisAddress? ConfiguredUpstream { get; private set; }
    public bool IsMaster => Upstream is null;

    /// <summary>The dataset: write ids in the order applied.</summary>
    public List<long> Log { get; private set; } = [];

    /// <summary>Bumped whenever <see cref="Log"/> is replaced rather than appended to; replicas then resync.</summary>
    public int Generation { get; private set; }

    public long FrozenUntilMs { get; private set; }
    public long FrozenSinceMs { get; private set; }
    public long BusyUntilMs { get; private set; }
    public long LoadingUntilMs { get; private set; }
    public long PausedUntilMs { get; private set; }
    public bool PauseAll { get; private set; }

    // Replica side of replication.
    public ReplicationLinkState LinkState { get; private set; } = ReplicationLinkState.Down;

    /// <summary>When the link went down; 0 when it never came up since start or a role change (INFO shows -1).</summary>
    public long LinkDownSinceMs { get; private set; }
    public long LastIoMs { get; private set; }

    /// <summary>Last REPLCONF ACK the master received from us, and the offset it carried.</summary>
    public long LastAckAtUpstreamMs { get; private set; }
    public long AckedCount { get; private set; }
    private int _upstreamGeneration;
    private long _nextSyncAttemptMs;
    private long _syncDoneAtMs;
    private List<long>? _syncSnapshot;
    private int _syncSourceGeneration;

    public long NowMs => _world.NowMs;
    public bool IsFrozen => Running && FrozenUntilMs > NowMs;
    public bool IsLoading => Running && LoadingUntilMs > NowMs;
    public bool IsBusy => Running && BusyUntilMs > NowMs;
    public long OffsetBytes => (long)Log.Count * BytesPerWrite;
    public bool IsListening => Running;

    /// <summary>Answers PINGs with PONG: running, not frozen, not loading, not busy.</summary>
    public bool IsHealthy => Running && !IsFrozen && !IsLoading && !IsBusy;

    public void Start()
    {
        Running = true;
        StartedAtMs = NowMs;
        LinkState = ReplicationLinkState.Down;
        LinkDownSinceMs = 0;
        _nextSyncAttemptMs = 0;
        int incarnation = ++_incarnation;
        _world.Queue.After(_world.Random.Next(1, (int)ReplicationCronMs), () => ReplicationCron(incarnation));
    }

    /// <summary>The process dies: every client connection closes, nothing is served until a restart.</summary>
    public void Crash()
    {
        if (!Running) return;
        Running = false;
        _incarnation++;
        DownSinceMs = NowMs;
        foreach (var client in _clients.ToList()) client.CloseByServer("Connection reset by peer");
        _clients.Clear();
        _frozenInbox.Clear();
        FrozenUntilMs = 0;
        BusyUntilMs = 0;
        PausedUntilMs = 0;
        LinkState = ReplicationLinkState.Down;
        _syncSnapshot = null;
        _world.Trace.Add(NowMs, Name, "crashed");
    }

    /// <summary>Starts again as its config file says, with its data (AOF) or empty, loading for a while.</summary>
    public void Restart(bool withData, long loadingMs)
    {
        if (Running) return;
        RunId = _world.NewRunId();
        if (!withData)
        {
            Log = [];
            Generation++;
            ReplId = _world.NewRunId();
        }
        Upstream = ConfiguredUpstream;
        LoadingUntilMs = NowMs + loadingMs;
        Start();
        _world.Trace.Add(NowMs, Name, $"restarted {(withData ? "with" : "without")} data as {(IsMaster ? "master" : $"replica of {Upstream}")}, loading {loadingMs} ms");
    }

    /// <summary>DEBUG SLEEP: nothing is answered until the end, then everything received is run in order.</summary>
    public void Freeze(long durationMs)
    {
        if (!Running) return;
        if (!IsFrozen) FrozenSinceMs = NowMs;
        FrozenUntilMs = Math.Max(FrozenUntilMs, NowMs + durationMs);
        int incarnation = _incarnation;
        _world.Queue.At(FrozenUntilMs, () => Thaw(incarnation));
        _world.Trace.Add(NowMs, Name, $"frozen for {durationMs} ms");
    }

    public void Thaw()
    {
        FrozenUntilMs = Math.Min(FrozenUntilMs, NowMs);
        Thaw(_incarnation);
    }

    private void Thaw(int incarnation)
    {
        if (incarnation != _incarnation || !Running || IsFrozen) return;
        while (_frozenInbox.TryDequeue(out var item))
        {
            if (item.Connection.State == ConnectionState.Open) Dispatch(item.Connection, item.Args);
        }
    }

    /// <summary>A long-running script: every command but SCRIPT KILL (and a few) answers BUSY.</summary>
    public void RunBusyScript(long durationMs)
    {
        if (!Running) return;
        BusyUntilMs = Math.Max(BusyUntilMs, NowMs + durationMs);
        _world.Trace.Add(NowMs, Name, $"busy script for {durationMs} ms");
    }

    public void EndBusyScript() => BusyUntilMs = 0;

    /// <summary>A client write (SET). The caller has checked role and min-replicas.</summary>
    private void ApplyWrite(long writeId) => Log.Add(writeId);

    // ---------------------------------------------------------------- replication (replica side)

    private void ReplicationCron(int incarnation)
    {
        if (!Running || incarnation != _incarnation) return;
        _world.Queue.After(ReplicationCronMs, () => ReplicationCron(incarnation));
        if (IsFrozen || Upstream is not { } address) return;

        long now = NowMs;
        var upstream = _world.FindRedis(address);
        bool route = upstream is not null && upstream != this && _world.Network.CanTalk(HostId, upstream.HostId);
        bool upstreamRunning = upstream is { Running: true };
        bool upstreamServing = upstreamRunning && !upstream!.IsFrozen && !upstream.IsLoading;

        switch (LinkState)
        {
            case ReplicationLinkState.Up:
                if (route && !upstreamRunning)
                {
                    LinkDown("master closed the connection");
                }
                else if (!route || !upstreamServing)
                {
                    if (now - LastIoMs > Spec.ReplTimeoutMs) LinkDown("timeout");
                }
                else if (upstream!.Generation != _upstreamGeneration)
                {
                    LinkDown("master changed its history");
                }
                else
                {
                    CatchUp(upstream);
                }
                break;

            case ReplicationLinkState.Syncing:
                if (route && !upstreamRunning)
                {
                    LinkDown("master closed the connection during sync");
                }
                else if (!route || !upstreamServing)
                {
                    if (now - LastIoMs > Spec.ReplTimeoutMs) LinkDown("timeout during sync");
                }
                else if (upstream!.Generation != _syncSourceGeneration)
                {
                    LinkDown("master changed its history during sync");
                }
                else
                {
                    LastIoMs = now;
                    if (now >= _syncDoneAtMs) FinishFullSync(upstream);
                }
                break;

            case ReplicationLinkState.Down:
                if (!route || !upstreamServing || now < _nextSyncAttemptMs) break;
                if (IsPrefixOf(Log, upstream!.Log))
                {
                    LinkUp(upstream, "partial resync");
                }
                else
                {
                    LinkState = ReplicationLinkState.Syncing;
                    _syncSnapshot = new List<long>(upstream.Log);
                    _syncSourceGeneration = upstream.Generation;
                    _syncDoneAtMs = now + 150 + upstream.Log.Count / 4 + _world.Random.Next(300);
                    LastIoMs = now;
                    _world.Trace.Add(now, Name, $"full resync from {upstream.Name} started ({upstream.Log.Count} writes)");
                }
                break;
        }
    }

    private void FinishFullSync(RedisNode upstream)
    {
        Log = _syncSnapshot!;
        _syncSnapshot = null;
        Generation++;
        ReplId = upstream.ReplId;
        // Loading the transferred RDB blocks the replica briefly.
        LoadingUntilMs = NowMs + 20 + Log.Count / 20;
        LinkUp(upstream, "full resync done");
    }

    private void LinkUp(RedisNode upstream, string how)
    {
        LinkState = ReplicationLinkState.Up;
        LinkDownSinceMs = 0;
        _upstreamGeneration = upstream.Generation;
        LastIoMs = NowMs;
        CatchUp(upstream);
        _world.Trace.Add(NowMs, Name, $"replication link up to {upstream.Name} ({how}, {Log.Count} writes)");
    }

    private void LinkDown(string reason)
    {
        LinkState = ReplicationLinkState.Down;
        LinkDownSinceMs = NowMs;
        _syncSnapshot = null;
        _nextSyncAttemptMs = NowMs + SyncRetryMs;
        _world.Trace.Add(NowMs, Name, $"replication link down: {reason}");
    }

    /// <summary>Streams what the master appended since, then acknowledges it (REPLCONF ACK).</summary>
    private void CatchUp(RedisNode upstream)
    {
        var source = upstream.Log;
        for (int i = Log.Count; i < source.Count; i++) Log.Add(source[i]);
        if (Log.Count > source.Count)
        {
            // Only possible if the master lost data without a generation change: resync rather than diverge.
            LinkDown("replica ahead of master");
            return;
        }
        LastIoMs = NowMs;
        LastAckAtUpstreamMs = NowMs;
        AckedCount = Log.Count;
    }

    private static bool IsPrefixOf(List<long> prefix, List<long> log)
    {
        if (prefix.Count > log.Count) return false;
        for (int i = 0; i < prefix.Count; i++)
        {
            if (prefix[i] != log[i]) return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- master side views

    /// <summary>The replicas this node, as a master, currently sees attached (the <c>slaveN</c> lines).</summary>
    public IEnumerable<RedisNode> AttachedReplicas()
    {
        foreach (var node in _world.Replicas.NamingHost(Ip))
        {
            if (node == this || !node.Running || node.Upstream is not { } up || !up.Matches(Ip, Port)) continue;
            if (node.LinkState == ReplicationLinkState.Down) continue;
            if (NowMs - node.LastAckAtUpstreamMs > node.Spec.ReplTimeoutMs && node.LinkState == ReplicationLinkState.Up) continue;
            yield return node;
        }
    }

    /// <summary>Replicas online whose last ACK is within min-replicas-max-lag.</summary>
    public int GoodReplicas()
    {
        int good = 0;
        long maxLagMs = Spec.MinReplicasMaxLagSeconds * 1000L;
        foreach (var replica in AttachedReplicas())
        {
            if (replica.LinkState == ReplicationLinkState.Up && NowMs - replica.LastAckAtUpstreamMs <= maxLagMs) good++;
        }
        return good;
    }

    // ---------------------------------------------------------------- role changes (SLAVEOF)

    private void BecomeMaster()
    {
        if (IsMaster) return;
        Upstream = null;
        LinkState = ReplicationLinkState.Down;
        LinkDownSinceMs = 0;
        _syncSnapshot = null;
        // A new replication id; the old history continues (replicas following it can partially resync).
        ReplId = _world.NewRunId();
        _world.Trace.Add(NowMs, Name, $"MASTER MODE enabled ({Log.Count} writes)");
    }

    private void BecomeReplicaOf(RedisAddress address)
    {
        bool wasConnected = !IsMaster && LinkState != ReplicationLinkState.Down;
        Upstream = address;
        LinkState = ReplicationLinkState.Down;
        LinkDownSinceMs = wasConnected ? NowMs : 0;
        _syncSnapshot = null;
        _nextSyncAttemptMs = 0;
        _world.Trace.Add(NowMs, Name, $"REPLICAOF {address} ({Log.Count} writes)");
    }
}
