using Vigil.Hosting;
using Vigil.Resp;
using Vigil.Sentinel.Commands;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.State;

namespace Vigil.Sentinel.Tests.Support;

/// <summary>
/// Plays the host for one core: opens links to <see cref="FakeNode"/>s, delivers replies in order, and ticks the
/// core at <see cref="SentinelCore.NextWakeMs"/>. Everything the core emits is recorded.
/// </summary>
internal sealed class SimulatedHost : ICoreHost
{
    private readonly Dictionary<LinkId, (FakeNode Node, LinkRole Role)> _links = [];
    private readonly Queue<(LinkId Link, RespValue Reply)> _pendingReplies = new();

    public SimulatedHost(SentinelConfig? config = null, SentinelState? state = null, CoreOptions? options = null, bool holdHostnames = false)
    {
        HoldHostnames = holdHostnames;
        Options = options ?? Fixtures.Options();
        Now = Options.StartNowMs;
        Core = new SentinelCore(config ?? Fixtures.ConfigOf(), state, Options);
        Driver = new CoreDriver(Core, this);
        Pump();
    }

    public CoreDriver Driver { get; }

    /// <summary>Writes a save and says whether it worked (default: every save works); null leaves it unconfirmed.</summary>
    public Func<SentinelState, bool?> Saver { get; set; } = static _ => true;

    private readonly Dictionary<long, Effect> _answers = [];
    private long _lastRequestId;

    long ICoreHost.NowMs => Now;

    bool? ICoreHost.Save(PersistState save)
    {
        Effects.Add(save);
        Timeline.Add((Now, save));
        return Saver(save.State);
    }

    /// <summary>Feeds a client request; its answer, or null while the core holds it back.</summary>
    public Effect? Request(Func<long, long, ClientRequest> make)
    {
        long id = ++_lastRequestId;
        var request = make(Now, id);
        // Like the production host: the script paths a SENTINEL SET names are checked as it is received.
        if (request is SentinelRequest sentinel)
        {
            request = sentinel with { ExecutablePaths = ScriptPathArguments.Of(sentinel.Args).Where(Fixtures.IsExecutable).ToHashSet() };
        }
        Feed(request);
        return _answers.Remove(id, out var answer) ? answer : null;
    }

    /// <summary>The answer to a request that was held back (see <see cref="Request"/>), once it left.</summary>
    public Effect? AnswerTo(long requestId) => _answers.Remove(requestId, out var answer) ? answer : null;

    /// <summary>The id the next request gets.</summary>
    public long NextRequestId => _lastRequestId + 1;

    public CoreOptions Options { get; }
    public SentinelCore Core { get; }
    public long Now { get; private set; }
    public Dictionary<(string Ip, int Port), FakeNode> Nodes { get; } = [];
    public List<Effect> Effects { get; } = [];

    /// <summary>Every effect with the host time it came out at.</summary>
    public List<(long AtMs, Effect Effect)> Timeline { get; } = [];
    public int Ticks { get; private set; }

    /// <summary>What each hostname resolves to (null or missing: it does not resolve); answered at once unless <see cref="HoldHostnames"/>.</summary>
    public Dictionary<string, string?> Hostnames { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>When true, the core's questions about hostnames wait in <see cref="HostnamesAsked"/> for <see cref="AnswerHostnames"/>.</summary>
    public bool HoldHostnames { get; set; }

    /// <summary>Questions asked and not answered yet (with <see cref="HoldHostnames"/>).</summary>
    public List<string> HostnamesAsked { get; } = [];

    /// <summary>Answers the questions held so far from <see cref="Hostnames"/>.</summary>
    public void AnswerHostnames()
    {
        var asked = HostnamesAsked.ToList();
        HostnamesAsked.Clear();
        foreach (var name in asked) Feed(new HostnameResolved(Now, name, Hostnames.GetValueOrDefault(name)));
    }

    /// <summary>When true, replies are queued and delivered only by <see cref="DeliverReplies"/>.</summary>
    public bool HoldReplies { get; set; }

    public FakeNode AddNode(string ip, int port, string? info = null)
    {
        var node = new FakeNode(ip, port) { Info = info };
        Nodes[(ip, port)] = node;
        return node;
    }

    /// <summary>A modelled Redis node (see <see cref="RedisModel"/>), a master unless it follows another.</summary>
    public FakeNode AddRedis(string ip, int port, char runId, (string Ip, int Port)? follows = null)
    {
        var node = new FakeNode(ip, port);
        node.Model = new RedisModel(node, Nodes, Fixtures.RunId(runId));
        if (follows is { } master) node.Model.Follow(master.Ip, master.Port);
        Nodes[(ip, port)] = node;
        return node;
    }

    /// <summary>The node dies: its connections break and new ones are refused.</summary>
    public void Kill(FakeNode node)
    {
        node.Up = false;
        DropLinksTo(node.Ip, node.Port);
    }

    public IEnumerable<T> EffectsOf<T>() where T : Effect => Effects.OfType<T>();

    /// <summary>Published event texts of one type, in order.</summary>
    public List<string> Texts(string channel) => Events(channel).Select(e => e.Message).ToList();

    /// <summary>Feeds an input (script results and the like) and reacts to the effects.</summary>
    public void Feed(Input input) => Driver.Feed(input);

    public IEnumerable<PublishEvent> Events(string channel) => EffectsOf<PublishEvent>().Where(e => e.Channel == channel);

    /// <summary>Commands sent to a node, with the time they were sent.</summary>
    public List<(long AtMs, IReadOnlyList<string> Args)> Sends(string ip, int port) =>
        _sendLog.Where(s => s.Node.Ip == ip && s.Node.Port == port).Select(s => (s.AtMs, s.Args)).ToList();

    private readonly List<(long AtMs, FakeNode Node, LinkRole Role, IReadOnlyList<string> Args)> _sendLog = [];

    public IEnumerable<IReadOnlyList<string>> CommandsTo(string ip, int port) =>
        EffectsOf<SendCommand>().Where(c => _links.TryGetValue(c.Link, out var l) && l.Node.Ip == ip && l.Node.Port == port).Select(c => c.Args);

    /// <summary>Runs the core like a host would until <paramref name="untilMs"/>, ticking at every wake time.</summary>
    public void RunUntil(long untilMs)
    {
        while (true)
        {
            long wake = Core.NextWakeMs;
            // The wake schedule recomputes only touched masters: it must never be later than a visit of them all.
            Assert.True(wake <= Core.ScanNextWakeMs(), $"scheduled wake {wake} is later than the scanned {Core.ScanNextWakeMs()}");
            if (wake > untilMs) break;
            Now = Math.Max(Now, wake);
            ThawBacklogs();
            Tick(Now);
        }
        Now = Math.Max(Now, untilMs);
    }

    public void RunFor(long ms) => RunUntil(Now + ms);

    /// <summary>Runs until an event of this type is published (failing after <paramref name="maxMs"/>).</summary>
    public void RunUntilEvent(string channel, long maxMs)
    {
        long deadline = Now + maxMs;
        int seen = Events(channel).Count();
        while (Events(channel).Count() == seen)
        {
            Assert.True(Core.NextWakeMs <= deadline, $"no {channel} within {maxMs} ms");
            RunUntil(Core.NextWakeMs);
        }
    }

    public void Tick(long at)
    {
        Now = at;
        Ticks++;
        Core.Handle(new Tick(at));
        Pump();
        // A core that asks to be woken again at the same instant would spin its host.
        Assert.True(Core.NextWakeMs > at, $"tick at {at} asked for a wake at {Core.NextWakeMs}");
    }

    public RespValue Sentinel(params string[] args)
    {
        var bytes = args.Select(a => System.Text.Encoding.UTF8.GetBytes(a)).ToList();
        var answer = Request((now, id) => new SentinelRequest(now, id, bytes));
        return Assert.IsType<Reply>(answer).Value;
    }

    /// <summary>The <c># Sentinel</c> section of INFO, as the core renders it now.</summary>
    public string InfoSentinelSection() => ((RespBulkString)Assert.IsType<Reply>(Request((now, id) => new InfoSentinelRequest(now, id))).Value).Text;

    /// <summary>The core's answer to ROLE.</summary>
    public RespValue Role() => Assert.IsType<Reply>(Request((now, id) => new RoleRequest(now, id))).Value;

    /// <summary>
    /// Delivers a real peer's hello as a PUBLISH to the core: the peer node at the sentinel address is created if
    /// missing, and a node with no identity of its own becomes that sentinel (it answers MYID with the run id and
    /// watches the master named). <see cref="PublishForgedHello"/> delivers one as it is.
    /// </summary>
    public void PublishHello(string payload)
    {
        LearnIdentity(payload, createNode: true);
        Request((now, id) => new HelloPublished(now, id, payload));
    }

    /// <summary>A hello nobody stands behind: no node is created or taught anything.</summary>
    public void PublishForgedHello(string payload) => Request((now, id) => new HelloPublished(now, id, payload));

    /// <summary>Delivers a hello as if it arrived on the pub/sub link of the given node.</summary>
    public void HelloVia(string ip, int port, string payload)
    {
        var link = _links.First(l => l.Value.Role == LinkRole.PubSub && l.Value.Node.Ip == ip && l.Value.Node.Port == port).Key;
        LearnIdentity(payload, createNode: true);
        Core.Handle(new LinkReply(Now, link, RespValue.Array(RespValue.Bulk("message"), RespValue.Bulk("__sentinel__:hello"), RespValue.Bulk(payload))));
        Pump();
    }

    private void LearnIdentity(string payload, bool createNode)
    {
        var f = payload.Split(',');
        if (f.Length != 8 || !int.TryParse(f[1], out int port) || port <= 0) return;
        if (!Nodes.TryGetValue((f[0], port), out var node))
        {
            if (!createNode) return;
            node = AddNode(f[0], port);
        }
        if (node.SentinelRunId is null && node.Info is null) node.SentinelRunId = f[2];
        if (node.SentinelRunId == f[2] && int.TryParse(f[6], out int masterPort)) node.Watches.TryAdd(f[4], (f[5], masterPort));
    }

    public void DeliverReplies()
    {
        while (_pendingReplies.TryDequeue(out var pending))
        {
            if (!_links.ContainsKey(pending.Link)) continue;
            Core.Handle(new LinkReply(Now, pending.Link, pending.Reply));
            Pump();
        }
    }

    /// <summary>Closes every open link to a node from the node's side.</summary>
    public void DropLinksTo(string ip, int port)
    {
        foreach (var (id, link) in _links.Where(l => l.Value.Node.Ip == ip && l.Value.Node.Port == port).ToList())
        {
            _links.Remove(id);
            Core.Handle(new LinkClosed(Now, id, "Connection reset by peer"));
            Pump();
        }
    }

    /// <summary>Drains effects and reacts to them until the core is quiet.</summary>
    public void Pump() => Driver.Drain();

    void ICoreHost.Carry(Effect effect)
    {
        if (effect is Reply or ObservationReply)
        {
            _answers[effect is Reply reply ? reply.RequestId : ((ObservationReply)effect).RequestId] = effect;
            return;
        }
        Effects.Add(effect);
        Timeline.Add((Now, effect));
        {
            switch (effect)
            {
                case OpenLink open:
                    if (Nodes.TryGetValue((open.Host, open.Port), out var node) && node.Up)
                    {
                        _links[open.Link] = (node, open.Role);
                        Core.Handle(new LinkConnected(Now, open.Link, "192.168.0.9"));
                    }
                    else
                    {
                        Core.Handle(new LinkClosed(Now, open.Link, "Connection refused"));
                    }
                    break;
                case CloseLink close:
                    _links.Remove(close.Link);
                    break;
                case ResolveHostname resolve:
                    if (HoldHostnames) HostnamesAsked.Add(resolve.Hostname);
                    else Core.Handle(new HostnameResolved(Now, resolve.Hostname, Hostnames.GetValueOrDefault(resolve.Hostname)));
                    break;
                case SendCommand send when _links.TryGetValue(send.Link, out var target):
                    _sendLog.Add((Now, target.Node, target.Role, send.Args));
                    if (target.Node.Frozen || target.Node.Backlog.Count > 0)
                    {
                        target.Node.Backlog.Enqueue((send.Link, target.Role, send.Args));
                        break;
                    }
                    Answer(send.Link, target.Node, target.Role, send.Args);
                    break;
            }
        }
    }

    /// <summary>Nodes no longer frozen answer what they received meanwhile, in order.</summary>
    private void ThawBacklogs()
    {
        foreach (var node in Nodes.Values.Where(n => !n.Frozen))
        {
            while (node.Backlog.TryDequeue(out var pending))
            {
                if (!_links.ContainsKey(pending.Link)) continue;
                Answer(pending.Link, node, pending.Role, pending.Args);
                Pump();
            }
        }
    }

    private void Answer(LinkId link, FakeNode node, LinkRole role, IReadOnlyList<string> args)
    {
        var reply = AnswerWithAuth(link, node, args);
        if (role == LinkRole.PubSub && reply is not RespError && args[0].Equals("SUBSCRIBE", StringComparison.OrdinalIgnoreCase))
        {
            reply = RespValue.Array(RespValue.Bulk("subscribe"), RespValue.Bulk(args[1]), RespValue.Integer(1));
        }
        if (HoldReplies) _pendingReplies.Enqueue((link, reply));
        else Core.Handle(new LinkReply(Now, link, reply));
        if (args[0].Equals("PUBLISH", StringComparison.OrdinalIgnoreCase) && node.Info is not null)
        {
            DeliverToSubscribers(node, args[1], args[2]);
        }
    }

    private readonly HashSet<LinkId> _authenticated = [];

    /// <summary>Like Redis with requirepass: AUTH with the right password opens the connection, until then -NOAUTH.</summary>
    private RespValue AnswerWithAuth(LinkId link, FakeNode node, IReadOnlyList<string> args)
    {
        if (node.RequirePass is null || _authenticated.Contains(link)) return node.Answer(args);
        if (!args[0].Equals("AUTH", StringComparison.OrdinalIgnoreCase)) return new RespError("NOAUTH Authentication required.");
        if (args[^1] != node.RequirePass) return new RespError("WRONGPASS invalid username-password pair or user is disabled.");
        _authenticated.Add(link);
        return RespValue.Ok;
    }

    /// <summary>Like Redis: a message published on a node reaches every pub/sub link to it, our own included.</summary>
    private void DeliverToSubscribers(FakeNode node, string channel, string payload)
    {
        foreach (var (id, link) in _links.Where(l => l.Value.Node == node && l.Value.Role == LinkRole.PubSub).ToList())
        {
            Core.Handle(new LinkReply(Now, id, RespValue.Array(RespValue.Bulk("message"), RespValue.Bulk(channel), RespValue.Bulk(payload))));
        }
    }

    /// <summary>Link ids currently open toward a node, by role.</summary>
    public IEnumerable<LinkId> LinksTo(string ip, int port, LinkRole role) =>
        _links.Where(l => l.Value.Node.Ip == ip && l.Value.Node.Port == port && l.Value.Role == role).Select(l => l.Key);
}
