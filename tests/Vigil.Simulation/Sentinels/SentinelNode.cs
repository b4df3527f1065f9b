using System.Text;
using Vigil.Hosting;
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
internal sealed class SentinelNode : IConnectionServer, IConnectionClient, ICoreHost
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
    private string? _name;
    private string? _helloSource;
    private CoreDriver? _driver;
    private readonly Dictionary<long, (string[] Args, Action<RespValue> Answer)> _requests = [];
    private long _lastRequestId;
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
    public string Name => _name ??= $"sentinel-{Index}";
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

    /// <summary>How many times the process was started (a request sent to one start dies with it).</summary>
    public int Starts => _starts;

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
            // Like the real host: the names of the config and the state are looked up before the core is built.
            ResolvedHostnames = StartupHostnames.Of(Config, state).ToDictionary(name => name, _world.Names.ResolveNow),
            CheckSkippedVisits = _world.CheckSkippedVisits,
        };
        var core = new SentinelCore(Config, state, options);
        Process = _wrap(core);
        _driver = new CoreDriver(Process, this);
        MyId = Process.MyId;
        LastValidPongAtMs.Clear();
        _lastTickLocalMs = local;
        _ticksSinceStart = 0;
        _starts++;
        _world.Trace.Add(_world.NowMs, Name, $"started (#{_starts}) id={MyId[..8]} local={local} state={(state is null ? "none" : $"epoch {state.CurrentEpoch}")}");
        _world.Checker.OnSentinelStarted(this, Process.State);
        _driver.Drain();
        // The start's own first save may be where a kill-at-save fault strikes.
        if (!Running) return;
        if (DebugArgs.Count > 0) Ask(["sentinel", "debug", .. DebugArgs], _ => { });
        ScheduleWake();
    }

    /// <summary>The process dies: links vanish, peers connected to it see their connections close.</summary>
    public void Crash(string why)
    {
        if (!Running) return;
        Process = null;
        _driver = null;
        Paused = false;
        // What the dead process still held back (replies waiting for a save) never leaves.
        foreach (var (_, (args, _)) in _requests.OrderBy(r => r.Key)) RepliesLost.Add(string.Join(' ', args));
        _requests.Clear();
        _wakeGeneration++;
        _wakeAtMs = long.MaxValue;
        foreach (var connection in _links.Values) connection.CloseByClient();
        _links.Clear();
        foreach (var connection in _served) connection.CloseByServer("Connection reset by peer");
        _served.Clear();
        _replyOrder.Clear();
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

    /// <summary>An operator or checker command run directly on this sentinel; null if it is down or stalled, or while its reply waits for a save.</summary>
    public RespValue? Execute(params string[] args)
    {
        if (Process is null || Paused) return null;
        RespValue? reply = null;
        Ask(["sentinel", .. args], answer => reply = answer);
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
        _driver!.Feed(new Tick(local));
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
        _driver!.Feed(input);
        ScheduleWake();
    }

    long ICoreHost.NowMs => LocalNowMs;

    /// <summary>
    /// How long a save takes to reach the disk (ms, drawn per save); null: at once. While a save is under way the
    /// core holds back what it protects; the process can die before the write, and then it is never confirmed.
    /// </summary>
    public Func<long>? SaveDelayMs { get; set; }

    /// <summary>When the last save under way reaches the disk: saves complete in the order they were asked for.</summary>
    private long _lastWriteAtMs;

    /// <summary>The state file: written at once or after <see cref="SaveDelayMs"/>, unless a fault kills the process first.</summary>
    bool? ICoreHost.Save(PersistState persist)
    {
        if (Process is null) return null;
        if (SaveDelayMs is null) return Write(persist) ? true : null;
        var process = Process;
        _lastWriteAtMs = Math.Max(_world.NowMs + SaveDelayMs(), _lastWriteAtMs);
        _world.Queue.At(_lastWriteAtMs, () =>
        {
            if (Process != process || !Write(persist)) return;
            Deliver(now => new StateSaved(now, persist.Seq, true));
            ScheduleWake();
        });
        return null;
    }

    private bool Write(PersistState persist)
    {
        if (KillBeforeSave?.Invoke(persist.State) == true)
        {
            Crash("killed before its state was saved");
            return false;
        }
        _world.Trace.Add(_world.NowMs, Name, persist);
        Persisted = persist.State;
        _world.Checker.OnPersist(this, persist.State);
        return true;
    }

    /// <summary>Carries out one effect, as the host's EffectRunner does; nothing once the process is gone.</summary>
    void ICoreHost.Carry(Effect effect)
    {
        if (Process is null) return;
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
                if (published.Channel == "+vote-for-leader" && VoteRequestFor(published.Message) is { } asked)
                {
                    // A vote held until its save leaves after the request was served: the checker still needs its group.
                    _world.Checker.BeginServing(GroupAskedAbout(asked));
                    _world.Checker.OnEvent(this, published.Channel, published.Message);
                    _world.Checker.EndServing();
                    break;
                }
                _world.Checker.OnEvent(this, published.Channel, published.Message);
                break;
            case Log log:
                _world.Trace.Add(_world.NowMs, Name, log);
                break;
            case Reply reply:
                if (_requests.Remove(reply.RequestId, out var request)) request.Answer(reply.Value);
                break;
            case ResolveHostname resolve:
                _world.Trace.Add(_world.NowMs, Name, $"resolve {resolve.Hostname}");
                var asking = Process;
                _world.Names.Resolve(resolve.Hostname, ip =>
                {
                    // An answer for a process that died meanwhile goes nowhere.
                    if (Process != asking) return;
                    Deliver(now => new HostnameResolved(now, resolve.Hostname, ip));
                });
                break;
            case Exit exit:
                _world.Trace.Add(_world.NowMs, Name, exit);
                Crash($"exit {exit.Code}: {exit.Reason}");
                _world.Queue.After(1000 + _world.Random.Next(2000), Start);
                break;
        }
    }

    /// <summary>
    /// An operator command whose reply may come later (a MONITOR waiting for its hostname's answer):
    /// <paramref name="then"/> runs with the reply, outside the core's input; never if the process dies first.
    /// </summary>
    public bool Submit(string[] args, Action<RespValue> then)
    {
        if (Process is null || Paused) return false;
        Ask(["sentinel", .. args], reply => _world.Queue.After(0, () => then(reply)));
        ScheduleWake();
        return true;
    }

    /// <summary>Feeds a client request (<paramref name="args"/> with the command name first); <paramref name="answer"/> runs when its reply leaves.</summary>
    private void Ask(string[] args, Action<RespValue> answer)
    {
        long id = ++_lastRequestId;
        _requests[id] = (args, answer);
        ClientRequest request = args[0].Equals("PUBLISH", StringComparison.OrdinalIgnoreCase)
            ? new HelloPublished(LocalNowMs, id, args[2])
            : new SentinelRequest(LocalNowMs, id, args.Skip(1).Select(a => Encoding.UTF8.GetBytes(a)).ToList());
        _driver!.Feed(request);
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
    /// When this sentinel last read a valid answer to a probe from each Redis node (PONG, LOADING, MASTERDOWN, or a
    /// hello PUBLISH's count, which may stand for a PING): a replica it selects for promotion must have given one
    /// within five PING periods (compatibility-rules §7.3).
    /// </summary>
    public Dictionary<Redis.RedisNode, long> LastValidPongAtMs { get; } = [];

    public void OnReply(SimConnection connection, RespValue reply)
    {
        if (!Owns(connection)) return;
        var pong = connection.Server is Redis.RedisNode node && IsValidPingAnswer(reply) ? node : null;
        var id = (LinkId)connection.ClientTag!;
        Deliver(now =>
        {
            // When the core reads it: a paused sentinel reads the answers that waited as they are, on resuming (seed 916030).
            if (pong is not null) LastValidPongAtMs[pong] = _world.NowMs;
            return new LinkReply(now, id, reply);
        });
    }

    private static bool IsValidPingAnswer(RespValue reply) => reply switch
    {
        RespSimpleString { Text: "PONG" } or RespInteger => true,
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
        _replyOrder.Remove(connection);
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
        Serve(connection, args, NextSlot(connection));
    }

    /// <summary>One served command's reply, filled when known; a connection's replies leave in command order.</summary>
    private sealed class ReplySlot
    {
        public RespValue? Value { get; set; }
    }

    private readonly Dictionary<SimConnection, Queue<ReplySlot>> _replyOrder = [];

    private ReplySlot NextSlot(SimConnection connection)
    {
        if (!_replyOrder.TryGetValue(connection, out var slots)) _replyOrder[connection] = slots = new();
        var slot = new ReplySlot();
        slots.Enqueue(slot);
        return slot;
    }

    /// <summary>Fills a reply and sends every reply now at the head of the connection's order.</summary>
    private void Answer(SimConnection connection, ReplySlot slot, RespValue reply)
    {
        slot.Value = reply;
        if (!_replyOrder.TryGetValue(connection, out var slots)) return;
        while (slots.TryPeek(out var head) && head.Value is { } value)
        {
            slots.Dequeue();
            if (connection.State == ConnectionState.Open) connection.Reply(value);
        }
        if (slots.Count == 0) _replyOrder.Remove(connection);
    }

    /// <summary>
    /// The commands sentinels and clients send to a sentinel. The core's answers leave when it lets them out (after
    /// the saves they depend on); one connection's replies keep the order of its commands.
    /// </summary>
    private void Serve(SimConnection connection, string[] args, ReplySlot slot)
    {
        switch (args[0].ToUpperInvariant())
        {
            case "PING":
                Answer(connection, slot, new RespSimpleString("PONG"));
                return;
            case "AUTH":
                Answer(connection, slot, new RespError("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"));
                return;
            case "CLIENT":
                Answer(connection, slot, RespValue.Ok);
                return;
            case "PUBLISH" when args.Length == 3:
                if (args[1] != Vigil.Sentinel.Discovery.HelloChannel.Name)
                {
                    Answer(connection, slot, new RespError("ERR Only HELLO messages are accepted by Sentinel instances."));
                    return;
                }
                _world.Checker.OnHelloSeen(args[2], _helloSource ??= $"PUBLISH to {Name}");
                _world.Trace.Add(_world.NowMs, Name, $"served PUBLISH hello {args[2]}");
                Ask(args, reply => Answer(connection, slot, reply));
                break;
            case "SENTINEL" when args.Length > 1:
                _world.Checker.BeginServing(GroupAskedAbout(args));
                try
                {
                    Ask(args, reply =>
                    {
                        _world.Trace.Add(_world.NowMs, Name, () => $"served {string.Join(' ', args)} -> {Tracing.TraceFormat.Resp(reply)}");
                        _world.Checker.OnSentinelReply(this, args, reply);
                        Answer(connection, slot, reply);
                    });
                }
                finally
                {
                    _world.Checker.EndServing();
                }
                break;
            default:
                Answer(connection, slot, new RespError($"ERR unknown command '{args[0]}'"));
                return;
        }
        ScheduleWake();
    }

    /// <summary>The pending is-master-down-by-addr request a <c>+vote-for-leader &lt;runid&gt; &lt;epoch&gt;</c> answers, if any.</summary>
    private string[]? VoteRequestFor(string vote)
    {
        var words = vote.Split(' ');
        if (words.Length != 2) return null;
        foreach (var (args, _) in _requests.Values)
        {
            if (args.Length == 6 && args[1].Equals("is-master-down-by-addr", StringComparison.OrdinalIgnoreCase) && args[4] == words[1]
                && args[5].Equals(words[0], StringComparison.OrdinalIgnoreCase))
            {
                return args;
            }
        }
        return null;
    }

    /// <summary>The group an is-master-down-by-addr request names (by the master address it carries).</summary>
    private int? GroupAskedAbout(string[] args)
    {
        if (args.Length != 6 || !args[1].Equals("is-master-down-by-addr", StringComparison.OrdinalIgnoreCase)) return null;
        return int.TryParse(args[3], out int port) ? _world.FindRedis(args[2], port)?.Group : null;
    }
}
