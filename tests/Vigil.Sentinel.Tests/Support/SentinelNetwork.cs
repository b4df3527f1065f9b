using System.Text;
using Vigil.Hosting;
using Vigil.Resp;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.Discovery;

namespace Vigil.Sentinel.Tests.Support;

/// <summary>
/// Several cores wired to each other and to <see cref="FakeNode"/> Redis instances with zero latency: what one
/// core publishes on a Redis node reaches every pub/sub link to it, and commands to a peer sentinel are answered
/// by that peer's core (PING, PUBLISH hello, SENTINEL ...). Work is processed in one FIFO, never recursively.
/// Each core is driven by a <see cref="CoreDriver"/>, as in every other host; every save works at once.
/// </summary>
internal sealed class SentinelNetwork
{
    private readonly Dictionary<(int Core, LinkId Link), (FakeNode? Node, int? Peer, LinkRole Role)> _links = [];
    private readonly Queue<(int Core, Effect Effect)> _work = new();
    private readonly Dictionary<FakeNode, Queue<(int Core, LinkId Link, LinkRole Role, IReadOnlyList<string> Args)>> _backlogs = [];

    public List<Member> Members { get; } = [];
    public Dictionary<(string Ip, int Port), FakeNode> Nodes { get; } = [];
    public long Now { get; private set; } = Fixtures.StartMs;

    public sealed record Member(SentinelCore Core, string Ip, int Port, List<Effect> Effects)
    {
        /// <summary>Feeds the core and carries out what it caused (set when the member joins the network).</summary>
        public CoreDriver Driver { get; init; } = null!;
    }

    /// <summary>One member's side of the host: saves are written at once, answers kept, other effects queued for <see cref="Process"/>.</summary>
    private sealed class MemberHost(SentinelNetwork network, int index) : ICoreHost
    {
        public long NowMs => network.Now;

        public bool? Save(PersistState save)
        {
            network.Members[index].Effects.Add(save);
            if (network.Now >= network.SavesStalledUntilMs) return true;
            network._stalledSaves.Add((index, save.Seq));
            return null;
        }

        public void Carry(Effect effect)
        {
            if (effect is Reply reply)
            {
                if (network._lateAnswers.Remove((index, reply.RequestId), out var asker))
                {
                    network._lateReplies.Enqueue((asker.Core, new LinkReply(network.Now, asker.Link, reply.Value)));
                    return;
                }
                network._answers[(index, reply.RequestId)] = reply.Value;
                return;
            }
            network.Members[index].Effects.Add(effect);
            network._work.Enqueue((index, effect));
        }
    }

    private Member Join(int index, SentinelCore core, string ip, int port) =>
        new(core, ip, port, []) { Driver = new CoreDriver(core, new MemberHost(this, index)) };

    /// <summary>
    /// A network partition: true when sentinel <c>core</c> cannot reach the given node or peer sentinel. Commands
    /// across it get no reply, connections across it fail, hellos published on a node do not cross it.
    /// </summary>
    public Func<int, FakeNode?, int?, bool>? Blocked { get; set; }

    private bool IsBlocked(int core, FakeNode? node, int? peer) => Blocked?.Invoke(core, node, peer) == true;

    public FakeNode AddNode(string ip, int port, string info)
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

    /// <summary>Someone publishes on a Redis node's hello channel: every sentinel subscribed to it hears it.</summary>
    public void PublishOn(FakeNode node, string payload)
    {
        foreach (var ((core, link), _) in _links.Where(l => l.Value.Node == node && l.Value.Role == LinkRole.PubSub).ToList())
        {
            if (IsBlocked(core, node, null)) continue;
            Feed(core, new LinkReply(Now, link,
                RespValue.Array(RespValue.Bulk("message"), RespValue.Bulk(HelloChannel.Name), RespValue.Bulk(payload))));
        }
        Process();
    }

    /// <summary>The node dies: connections to it break and new ones are refused until <see cref="FakeNode.Up"/> is set again.</summary>
    public void Kill(FakeNode node)
    {
        node.Up = false;
        foreach (var ((core, link), target) in _links.Where(l => l.Value.Node == node).ToList())
        {
            _links.Remove((core, link));
            Feed(core, new LinkClosed(Now, link, "Connection reset by peer"));
        }
        Process();
    }

    /// <summary>A sentinel dies: links to it break, and it is no longer ticked.</summary>
    public void KillSentinel(int index)
    {
        Stop(index);
        Process();
    }

    private void Stop(int index)
    {
        Stopped.Add(index);
        foreach (var ((core, link), target) in _links.Where(l => l.Value.Peer == index || l.Key.Core == index).ToList())
        {
            _links.Remove((core, link));
            if (core == index) continue;
            Feed(core, new LinkClosed(Now, link, "Connection reset by peer"));
        }
    }

    /// <summary>Sentinels that were killed: not ticked, not reachable.</summary>
    public HashSet<int> Stopped { get; } = [];

    /// <summary>The wall clock the sentinels are started with (Unix ms at <see cref="Now"/> = <see cref="Fixtures.StartMs"/>); 0 gives them none.</summary>
    public long WallOriginMs { get; set; } = 1_767_225_600_000;

    private readonly List<SentinelConfig> _configs = [];

    public Member AddSentinel(string ip, int port, SentinelConfig config, int seed)
    {
        var member = Join(Members.Count, new SentinelCore(config, null, OptionsFor(port, seed)), ip, port);
        Members.Add(member);
        _configs.Add(config);
        Drain(Members.Count - 1);
        Process();
        return member;
    }

    /// <summary>A sentinel process starts over (a new monotonic clock origin) from the last state it saved.</summary>
    public void RestartSentinel(int index, int seed)
    {
        Stop(index);
        var old = Members[index];
        var saved = old.Effects.OfType<PersistState>().Last().State;
        var state = Vigil.Sentinel.State.SentinelState.FromJson(saved.ToJson());
        Members[index] = Join(index, new SentinelCore(_configs[index], state, OptionsFor(old.Port, seed)), old.Ip, old.Port);
        Stopped.Remove(index);
        Drain(index);
        Process();
    }

    private CoreOptions OptionsFor(int port, int seed) => Fixtures.Options(seed) with
    {
        ListeningPort = port,
        StartNowMs = Now,
        StartWallMs = WallOriginMs == 0 ? 0 : WallOriginMs + (Now - Fixtures.StartMs),
    };

    /// <summary>
    /// Saves asked for before this time are confirmed only then, all together: a file system that stalled on its
    /// journal under every sentinel of the host at once.
    /// </summary>
    public long SavesStalledUntilMs { get; set; }

    private readonly List<(int Member, long Seq)> _stalledSaves = [];

    /// <summary>A peer's answer held behind its stalled save: it goes to the asking link when the save is confirmed.</summary>
    private readonly Dictionary<(int Core, long Id), (int Core, LinkId Link)> _lateAnswers = [];
    private readonly Queue<(int Core, LinkReply Reply)> _lateReplies = new();

    private void ConfirmStalledSaves()
    {
        if (_stalledSaves.Count == 0 || Now < SavesStalledUntilMs) return;
        var saves = _stalledSaves.ToList();
        _stalledSaves.Clear();
        foreach (var (member, seq) in saves)
        {
            if (Stopped.Contains(member)) continue;
            Members[member].Driver.Saved(seq, true);
            Process();
        }
    }

    public void RunFor(long ms)
    {
        long until = Now + ms;
        while (true)
        {
            foreach (var member in Members.Where((_, i) => !Stopped.Contains(i)))
            {
                // The wake schedule recomputes only touched masters: it must never be later than a visit of them all.
                Assert.True(member.Core.NextWakeMs <= member.Core.ScanNextWakeMs(), "scheduled wake later than the scanned one");
            }
            long next = Members.Where((_, i) => !Stopped.Contains(i)).Min(m => m.Core.NextWakeMs);
            if (_stalledSaves.Count > 0) next = Math.Min(next, SavesStalledUntilMs);
            if (next > until) break;
            Now = Math.Max(Now, next);
            ConfirmStalledSaves();
            ThawBacklogs();
            for (int i = 0; i < Members.Count; i++)
            {
                if (Stopped.Contains(i) || Members[i].Core.NextWakeMs > Now) continue;
                Feed(i, new Tick(Now));
                Process();
            }
        }
        Now = until;
    }

    public IEnumerable<PublishEvent> Events(int member, string channel) =>
        Members[member].Effects.OfType<PublishEvent>().Where(e => e.Channel == channel);

    public RespValue Sentinel(int member, params string[] args)
    {
        var reply = Request(member, (now, id) => new SentinelRequest(now, id, args.Select(a => Encoding.UTF8.GetBytes(a)).ToList()));
        Process();
        return reply;
    }

    /// <summary>A hello PUBLISHed straight to a sentinel.</summary>
    public RespValue PublishTo(int member, string payload)
    {
        var reply = Request(member, (now, id) => new HelloPublished(now, id, payload));
        Process();
        return reply;
    }

    private readonly Dictionary<(int Core, long Id), RespValue> _answers = [];
    private long _lastRequestId;

    /// <summary>
    /// Feeds a client request and returns its answer (saves work at once here unless SavesStalledUntilMs
    /// holds them; a reply that waits for a node's answer, as MOVE-MASTER's, comes once the network has carried the
    /// question and answer).
    /// </summary>
    private RespValue Request(int member, Func<long, long, ClientRequest> make) => Request(member, make, asker: null)!;

    /// <param name="asker">A peer's link asking: an answer held behind a stalled save reaches it later (null now).</param>
    private RespValue? Request(int member, Func<long, long, ClientRequest> make, (int Core, LinkId Link)? asker)
    {
        long id = ++_lastRequestId;
        Feed(member, make(Now, id));
        if (!_answers.ContainsKey((member, id))) Process();
        if (asker is { } late && !_answers.ContainsKey((member, id)))
        {
            _lateAnswers[(member, id)] = late;
            return null;
        }
        Assert.True(_answers.Remove((member, id), out var reply), "a request left unanswered");
        return reply;
    }

    /// <summary>Carries out what a core queued outside an input (at its start).</summary>
    private void Drain(int core) => Members[core].Driver.Drain();

    /// <summary>Feeds one core an input; its effects join the work <see cref="Process"/> carries out.</summary>
    private void Feed(int core, Input input) => Members[core].Driver.Feed(input);

    private void Process()
    {
        while (_lateReplies.TryDequeue(out var late))
        {
            if (!Stopped.Contains(late.Core) && _links.ContainsKey((late.Core, late.Reply.Link))) Feed(late.Core, late.Reply);
        }
        while (_work.TryDequeue(out var item))
        {
            switch (item.Effect)
            {
                case OpenLink open:
                    var node = Nodes.GetValueOrDefault((open.Host, open.Port));
                    int peer = Members.FindIndex(m => m.Ip == open.Host && m.Port == open.Port);
                    if (Stopped.Contains(peer)) peer = -1;
                    if (IsBlocked(item.Core, node, peer >= 0 ? peer : null))
                    {
                        Feed(item.Core, new LinkClosed(Now, open.Link, "Connection timed out"));
                        break;
                    }
                    if (node is { Up: true } || peer >= 0)
                    {
                        _links[(item.Core, open.Link)] = (node is { Up: true } ? node : null, peer >= 0 ? peer : null, open.Role);
                        Feed(item.Core, new LinkConnected(Now, open.Link, Members[item.Core].Ip));
                    }
                    else
                    {
                        Feed(item.Core, new LinkClosed(Now, open.Link, "Connection refused"));
                    }
                    break;
                case CloseLink close:
                    _links.Remove((item.Core, close.Link));
                    break;
                case Exit:
                    Stop(item.Core);
                    break;
                case SendCommand send when _links.TryGetValue((item.Core, send.Link), out var target):
                    if (IsBlocked(item.Core, target.Node, target.Peer)) break; // lost in the partition
                    if (target.Node is { } dataNode && (dataNode.Frozen || Backlog(dataNode).Count > 0))
                    {
                        Backlog(dataNode).Enqueue((item.Core, send.Link, target.Role, send.Args));
                        break;
                    }
                    var reply = Answer(target, send.Args, (item.Core, send.Link));
                    if (reply is null) break;
                    Feed(item.Core, new LinkReply(Now, send.Link, reply));
                    break;
            }
        }
    }

    private Queue<(int Core, LinkId Link, LinkRole Role, IReadOnlyList<string> Args)> Backlog(FakeNode node)
    {
        if (!_backlogs.TryGetValue(node, out var queue)) _backlogs[node] = queue = new();
        return queue;
    }

    /// <summary>Thawed nodes answer what they received while frozen, in order (like SIGCONT after SIGSTOP).</summary>
    private void ThawBacklogs()
    {
        foreach (var (node, queue) in _backlogs.ToList())
        {
            if (node.Frozen) continue;
            while (queue.TryDequeue(out var pending))
            {
                if (!_links.TryGetValue((pending.Core, pending.Link), out var target)) continue;
                var reply = Answer(target, pending.Args);
                if (reply is null) continue;
                Feed(pending.Core, new LinkReply(Now, pending.Link, reply));
                Process();
            }
        }
    }

    private RespValue? Answer((FakeNode? Node, int? Peer, LinkRole Role) target, IReadOnlyList<string> args, (int Core, LinkId Link)? asker = null)
    {
        if (target.Peer is { } peerIndex)
        {
            RespValue? reply = args[0].ToUpperInvariant() switch
            {
                "PING" => new RespSimpleString("PONG"),
                "PUBLISH" => Request(peerIndex, (now, id) => new HelloPublished(now, id, args[2]), asker),
                "SENTINEL" => Request(peerIndex, (now, id) => new SentinelRequest(now, id, args.Skip(1).Select(a => Encoding.UTF8.GetBytes(a)).ToList()), asker),
                _ => RespValue.Ok,
            };
            return reply;
        }
        var node = target.Node!;
        var answer = node.Answer(args);
        if (target.Role == LinkRole.PubSub && args[0] == "SUBSCRIBE")
        {
            return RespValue.Array(RespValue.Bulk("subscribe"), RespValue.Bulk(args[1]), RespValue.Integer(1));
        }
        if (args[0] == "PUBLISH")
        {
            foreach (var ((core, link), other) in _links.Where(l => l.Value.Node == node && l.Value.Role == LinkRole.PubSub).ToList())
            {
                if (IsBlocked(core, node, null)) continue;
                Feed(core, new LinkReply(Now, link,
                    RespValue.Array(RespValue.Bulk("message"), RespValue.Bulk(args[1]), RespValue.Bulk(args[2]))));
            }
        }
        return answer;
    }
}
