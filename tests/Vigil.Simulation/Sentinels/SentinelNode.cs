using System.Text;
using Vigil.Resp;
using Vigil.Sentinel;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.State;
using Vigil.Simulation.Network;
using Vigil.Simulation.World;

namespace Vigil.Simulation.Sentinels;

/// <summary>
/// The simulated host of one sentinel: its clock, its process (a core behind <see cref="ISentinelProcess"/>), the
/// state file (the last <see cref="PersistState"/>, round-tripped through JSON at restart), its outgoing links and
/// its listener for peers and clients. Like the real host it carries out every effect before answering a command,
/// and wakes the core at <see cref="ISentinelProcess.NextWakeMs"/> with a timer that runs on true time.
/// </summary>
internal sealed class SentinelNode : IConnectionServer, IConnectionClient
{
    /// <summary>The tick gap beyond which (or below zero) the core must enter TILT (compatibility-rules §2.2).</summary>
    public const long TiltTriggerMs = 2000;

    /// <summary>The real host never sleeps longer than this between looks at the core.</summary>
    private const long MaxHostSleepMs = 1000;

    private readonly SimWorld _world;
    private readonly Dictionary<LinkId, SimConnection> _links = [];
    private readonly List<SimConnection> _served = [];
    private readonly Queue<Action> _inbox = new();
    private readonly Func<SentinelCore, ISentinelProcess> _wrap;
    private long _wakeAtMs = long.MaxValue;
    private int _wakeGeneration;
    private long _lastTickLocalMs;
    private long _ticksSinceStart;
    private bool _tiltSeenThisTick;
    private int _starts;

    public SentinelNode(SimWorld world, int index, string ip, int port, int hostId, SimClock clock, SentinelConfig config,
        IReadOnlyList<string> debugArgs, Func<SentinelCore, ISentinelProcess> wrap)
    {
        _world = world;
        Index = index;
        Ip = ip;
        Port = port;
        HostId = hostId;
        Clock = clock;
        Config = config;
        DebugArgs = debugArgs;
        _wrap = wrap;
    }

    public int Index { get; }
    public string Name => $"sentinel-{Index}";
    public string Ip { get; }
    public int Port { get; }
    public int HostId { get; }
    public SimClock Clock { get; }
    public SentinelConfig Config { get; }

    /// <summary>SENTINEL DEBUG arguments applied at every start (timings are not part of the state).</summary>
    public IReadOnlyList<string> DebugArgs { get; }

    /// <summary>The hosts' wall clocks read true time from here (kept in step, as NTP would): 2026-01-01 UTC.</summary>
    private const long WallClockOriginMs = 1_767_225_600_000;

    public ISentinelProcess? Process { get; private set; }
    public SentinelState? Persisted { get; private set; }
    public string MyId { get; private set; } = "";
    public bool Running => Process is not null;
    public bool Paused { get; private set; }
    public long LocalNowMs => Clock.LocalAt(_world.NowMs);
    public bool IsListening => Running;
    public long Ticks { get; private set; }

    /// <summary>
    /// A fault at the save: when it returns true for the state the core asks to save, the process is killed before
    /// the write, so the state on disk stays the previous one and nothing queued after the save (a reply) leaves.
    /// </summary>
    public Func<SentinelState, bool>? KillBeforeSave { get; set; }

    /// <summary>Replies that never left because the process died while carrying out the input's effects.</summary>
    public List<string> RepliesLost { get; } = [];

    /// <summary>Starts (or restarts) the process from the last state it persisted.</summary>
    public void Start()
    {
        if (Running) return;
        long local = LocalNowMs;
        SentinelState? state = Persisted is null ? null : SentinelState.FromJson(Persisted.ToJson());
        var options = new CoreOptions
        {
            RandomSeed = _world.Random.Next(),
            ListeningPort = Port,
            StartNowMs = local,
            StartWallMs = WallClockOriginMs + _world.NowMs,
        };
        var core = new SentinelCore(Config, state, options);
        Process = _wrap(core);
        MyId = Process.MyId;
        LastValidPongAtMs.Clear();
        _lastTickLocalMs = local;
        _ticksSinceStart = 0;
        _starts++;
        _world.Trace.Add(_world.NowMs, Name, $"started (#{_starts}) id={MyId[..8]} local={local} state={(state is null ? "none" : $"epoch {state.CurrentEpoch}")}");
        _world.Checker.OnSentinelStarted(this, Process.State);
        if (DebugArgs.Count > 0) Process.ExecuteSentinel(["debug"u8.ToArray(), .. DebugArgs.Select(a => Encoding.UTF8.GetBytes(a))], local);
        Drain();
        ScheduleWake();
    }

    /// <summary>The process dies: links vanish, peers connected to it see their connections close.</summary>
    public void Crash(string why)
    {
        if (!Running) return;
        Process = null;
        Paused = false;
        _wakeGeneration++;
        _wakeAtMs = long.MaxValue;
        foreach (var connection in _links.Values) connection.CloseByClient();
        _links.Clear();
        foreach (var connection in _served) connection.CloseByServer("Connection reset by peer");
        _served.Clear();
        _inbox.Clear();
        _world.Trace.Add(_world.NowMs, Name, $"crashed ({why})");
        _world.Checker.OnSentinelStopped(this);
    }

    /// <summary>The process stalls (a VM pause, a stuck host): nothing runs until <see cref="Resume"/>.</summary>
    public void Pause()
    {
        if (!Running || Paused) return;
        Paused = true;
        _wakeGeneration++;
        _wakeAtMs = long.MaxValue;
        _world.Trace.Add(_world.NowMs, Name, "paused");
    }

    public void Resume()
    {
        if (!Paused) return;
        Paused = false;
        _world.Trace.Add(_world.NowMs, Name, $"resumed ({_inbox.Count} inputs waiting)");
        while (Running && !Paused && _inbox.TryDequeue(out var action)) action();
        ScheduleWake();
    }

    public void JumpClock(long deltaMs)
    {
        Clock.Jump(_world.NowMs, deltaMs);
        _world.Checker.OnClockJump(this);
        _world.Trace.Add(_world.NowMs, Name, $"clock jumped {deltaMs:+#;-#;0} ms (local now {LocalNowMs})");
    }

    /// <summary>An operator or checker command run directly on this sentinel; null if it is down or stalled.</summary>
    public RespValue? Execute(params string[] args)
    {
        if (Process is null || Paused) return null;
        var reply = Process.ExecuteSentinel(args.Select(a => Encoding.UTF8.GetBytes(a)).ToList(), LocalNowMs);
        Drain();
        ScheduleWake();
        return reply;
    }

    // ---------------------------------------------------------------- the host loop

    private void ScheduleWake()
    {
        if (Process is null || Paused) return;
        long wait = Math.Clamp(Process.NextWakeMs - LocalNowMs, 0, MaxHostSleepMs);
        long at = _world.NowMs + Clock.TrueDurationFor(wait);
        // A pending timer is only ever brought forward: inputs must not postpone the tick indefinitely (after a
        // backward clock step every computed wait is the full second).
        if (at >= _wakeAtMs) return;
        _wakeAtMs = at;
        int generation = ++_wakeGeneration;
        _world.Queue.At(at, () =>
        {
            if (generation != _wakeGeneration) return;
            _wakeAtMs = long.MaxValue;
            Tick();
        });
    }

    /// <summary>
    /// Ticks whenever the timer fires (at the core's wake time or at most a second after the last tick), like the
    /// reference's timer: after a backward clock step the core sees a
    /// time earlier than its last tick, which must put it in TILT, as must a gap over the trigger.
    /// </summary>
    private void Tick()
    {
        if (Process is null || Paused) return;
        long local = LocalNowMs;
        long gap = local - _lastTickLocalMs;
        _lastTickLocalMs = local;
        // The first tick after a start is compared with the construction time: only a clock gone back is TILT.
        bool first = _ticksSinceStart++ == 0;
        _tiltSeenThisTick = false;
        Ticks++;
        _world.Trace.Add(_world.NowMs, Name, new Tick(local));
        Process.Handle(new Tick(local));
        Drain();
        if (Process is not null) _world.Checker.OnTick(this, gap, gap < 0 || (!first && gap > TiltTriggerMs), _tiltSeenThisTick);
        ScheduleWake();
    }

    private void Deliver(Func<long, Input> make)
    {
        if (Process is null) return;
        if (Paused)
        {
            _inbox.Enqueue(() => Deliver(make));
            return;
        }
        var input = make(LocalNowMs);
        _world.Trace.Add(_world.NowMs, Name, input);
        Process.Handle(input);
        Drain();
        ScheduleWake();
    }

    /// <summary>Carries out every queued effect, in order, as the host's EffectRunner does.</summary>
    private void Drain()
    {
        while (Process is { } process && process.TryDequeueEffect(out var effect))
        {
            switch (effect)
            {
                case OpenLink open:
                    _world.Trace.Add(_world.NowMs, Name, open);
                    var (server, serverHost) = _world.FindServer(open.Host, open.Port, HostId);
                    var connection = _world.Network.Connect(HostId, this, serverHost, server, racing: true);
                    connection.ClientTag = open.Link;
                    _links[open.Link] = connection;
                    break;
                case SendCommand send:
                    _world.Trace.Add(_world.NowMs, Name, send);
                    if (_links.TryGetValue(send.Link, out var target)) target.Send(send.Args as string[] ?? send.Args.ToArray());
                    break;
                case CloseLink close:
                    _world.Trace.Add(_world.NowMs, Name, close);
                    if (_links.Remove(close.Link, out var closing)) closing.CloseByClient();
                    break;
                case PublishEvent published:
                    _world.Trace.Add(_world.NowMs, Name, published);
                    if (published.Channel == "+tilt") _tiltSeenThisTick = true;
                    _world.Checker.OnEvent(this, published.Channel, published.Message);
                    break;
                case Log log:
                    _world.Trace.Add(_world.NowMs, Name, log);
                    break;
                case PersistState persist when KillBeforeSave?.Invoke(persist.State) == true:
                    Crash("killed before its state was saved");
                    return;
                case PersistState persist:
                    _world.Trace.Add(_world.NowMs, Name, persist);
                    Persisted = persist.State;
                    _world.Checker.OnPersist(this, persist.State);
                    break;
                case Exit exit:
                    _world.Trace.Add(_world.NowMs, Name, exit);
                    Crash($"exit {exit.Code}: {exit.Reason}");
                    _world.Queue.After(1000 + _world.Random.Next(2000), Start);
                    return;
            }
        }
    }

    // ---------------------------------------------------------------- outgoing links (IConnectionClient)

    private bool Owns(SimConnection connection) =>
        connection.ClientTag is LinkId id && _links.TryGetValue(id, out var known) && known == connection;

    public void OnConnected(SimConnection connection)
    {
        if (!Owns(connection)) return;
        var id = (LinkId)connection.ClientTag!;
        Deliver(now => new LinkConnected(now, id, Ip));
    }

    public void OnConnectFailed(SimConnection connection, string reason) => OnClosed(connection, reason);

    /// <summary>
    /// When this sentinel last received a valid PING answer (PONG, LOADING, MASTERDOWN) from each Redis node: a
    /// replica it selects for promotion must have given one within five PING periods (compatibility-rules §7.3).
    /// </summary>
    public Dictionary<Redis.RedisNode, long> LastValidPongAtMs { get; } = [];

    public void OnReply(SimConnection connection, RespValue reply)
    {
        if (!Owns(connection)) return;
        if (connection.Server is Redis.RedisNode node && IsValidPingAnswer(reply)) LastValidPongAtMs[node] = _world.NowMs;
        var id = (LinkId)connection.ClientTag!;
        Deliver(now => new LinkReply(now, id, reply));
    }

    private static bool IsValidPingAnswer(RespValue reply) => reply switch
    {
        RespSimpleString { Text: "PONG" } => true,
        RespError error => error.Text.StartsWith("LOADING", StringComparison.Ordinal) || error.Text.StartsWith("MASTERDOWN", StringComparison.Ordinal),
        _ => false,
    };

    public void OnClosed(SimConnection connection, string reason)
    {
        if (!Owns(connection)) return;
        var id = (LinkId)connection.ClientTag!;
        _links.Remove(id);
        Deliver(now => new LinkClosed(now, id, reason));
    }

    // ---------------------------------------------------------------- the listener (IConnectionServer)

    public void OnAccepted(SimConnection connection) => _served.Add(connection);

    public void OnClientClosed(SimConnection connection)
    {
        _served.Remove(connection);
        connection.State = ConnectionState.Closed;
    }

    public void OnCommand(SimConnection connection, string[] args)
    {
        if (Process is null || args.Length == 0) return;
        if (Paused)
        {
            _inbox.Enqueue(() => OnCommand(connection, args));
            return;
        }
        if (connection.State != ConnectionState.Open) return;
        connection.Reply(Serve(args));
    }

    /// <summary>The commands sentinels and clients send to a sentinel; effects run before the reply goes out.</summary>
    private RespValue Serve(string[] args)
    {
        var process = Process!;
        long local = LocalNowMs;
        RespValue reply;
        switch (args[0].ToUpperInvariant())
        {
            case "PING":
                return new RespSimpleString("PONG");
            case "AUTH":
                return new RespError("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
            case "CLIENT":
                return RespValue.Ok;
            case "PUBLISH" when args.Length == 3:
                if (args[1] != Vigil.Sentinel.Discovery.HelloChannel.Name) return new RespError("ERR Only HELLO messages are accepted by Sentinel instances.");
                _world.Checker.OnHelloSeen(args[2], $"PUBLISH to {Name}");
                _world.Trace.Add(_world.NowMs, Name, $"served PUBLISH hello {args[2]}");
                reply = process.AcceptHelloPublish(args[2], local);
                break;
            case "SENTINEL" when args.Length > 1:
                _world.Checker.BeginServing(GroupAskedAbout(args));
                try
                {
                    reply = process.ExecuteSentinel(args.Skip(1).Select(a => Encoding.UTF8.GetBytes(a)).ToList(), local);
                    var traced = reply;
                    _world.Trace.Add(_world.NowMs, Name, () => $"served {string.Join(' ', args)} -> {Tracing.TraceFormat.Resp(traced)}");
                    Drain();
                }
                finally
                {
                    _world.Checker.EndServing();
                }
                if (!Running)
                {
                    RepliesLost.Add($"{string.Join(' ', args)} -> {Tracing.TraceFormat.Resp(reply)}");
                    return reply;
                }
                break;
            default:
                return new RespError($"ERR unknown command '{args[0]}'");
        }
        Drain();
        ScheduleWake();
        if (args[0].Equals("SENTINEL", StringComparison.OrdinalIgnoreCase)) _world.Checker.OnSentinelReply(this, args, reply);
        return reply;
    }

    /// <summary>The group an is-master-down-by-addr request names (by the master address it carries).</summary>
    private int? GroupAskedAbout(string[] args)
    {
        if (args.Length != 6 || !args[1].Equals("is-master-down-by-addr", StringComparison.OrdinalIgnoreCase)) return null;
        return int.TryParse(args[3], out int port) ? _world.FindRedis(args[2], port)?.Group : null;
    }
}
