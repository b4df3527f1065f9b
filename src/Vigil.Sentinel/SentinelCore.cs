using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Vigil.Resp;
using Vigil.Sentinel.Commands;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.Detection;
using Vigil.Sentinel.Discovery;
using Vigil.Sentinel.Election;
using Vigil.Sentinel.Events;
using Vigil.Sentinel.Failover;
using Vigil.Sentinel.Links;
using Vigil.Sentinel.Monitoring;
using Vigil.Sentinel.Scripts;
using Vigil.Sentinel.State;

namespace Vigil.Sentinel;

/// <summary>
/// The sentinel as a deterministic state machine with no I/O. The host feeds it inputs (ticks, link events,
/// replies) and client commands, drains the effects it queues, and wakes it at <see cref="NextWakeMs"/>. Time and
/// randomness come in from outside, so the same inputs always give the same effects.
/// </summary>
/// <remarks>
/// Deliberate differences from redis-sentinel 7.0.15, none visible on the wire to clients or peers:
/// <list type="bullet">
/// <item>No busy timer: <see cref="NextWakeMs"/> is the exact time the next rule is due (capped at 1 s, and at
/// half the TILT trigger, after the last tick) instead of a random 52-100 ms tick.</item>
/// <item>At most one INFO, one hello PUBLISH and one is-master-down question in flight per record (the reference
/// re-sends every tick until a reply comes); after an error reply they are retried one period later.</item>
/// <item><c>rename-command</c> applies to commands sent to Redis instances only, not to peer sentinels.</item>
/// <item><c>SENTINEL CONFIG SET announce-ip ""</c> unsets the option instead of announcing an empty IP.</item>
/// <item>INFO-CACHE gives each replica its own age; the vote's run id survives restarts; RESET is saved.</item>
/// <item>IPv4-mapped local addresses (<c>::ffff:a.b.c.d</c>) are announced as plain IPv4.</item>
/// <item>A vote request with a negative epoch is not honoured (the reference wraps it to a huge epoch).</item>
/// <item>Entering TILT logs its cause. A backward step of the host's clock still enters TILT, but the core's own
/// clock does not go back (see <c>SentinelContext.AdvanceClock</c>): times stored before the step never lie in
/// the future.</item>
/// <item>A PING, INFO or PUBLISH answered <c>+QUEUED</c> (a transaction left open on the link) reconnects the
/// link.</item>
/// <item>A hello announcing a different master address with a higher config epoch is checked with the sender and,
/// for an address that is no known replica, with a majority of the peers before the master is switched (see
/// <c>ConfigAdoption</c>).</item>
/// <item>A sentinel named in a hello counts only once admitted: reached at its announced address, it answered as
/// that run id and as a watcher of the master (see <c>PeerAdmission</c>). Epochs are adopted and votes given only for
/// admitted peers, and an epoch more than <c>Limits.MaxEpochJump</c> above ours is refused.</item>
/// <item>No vote is given in TILT; failover differences are listed on <c>FailoverMachine</c> and in
/// docs/failover.md.</item>
/// </list>
/// </remarks>
public sealed class SentinelCore
{
    private readonly SentinelContext _context;
    private readonly EventEmitter _events;
    private readonly LinkManager _links;
    private readonly Topology _topology;
    private readonly InfoHandler _info;
    private readonly HelloProcessor _hello;
    private readonly PeriodicCommands _periodic;
    private readonly FailureDetector _detector;
    private readonly TiltMonitor _tilt;
    private readonly PeerQueries _peerQueries;
    private readonly SentinelCommands _commands;
    private readonly ScriptQueue _scripts;
    private readonly FailoverMachine _failover;
    private readonly ConfigAdoption _adoption;
    private readonly PeerAdmission _admission;
    private readonly PlannedSwitchover _switchover;
    private readonly Fencing.WriteFence _fence;
    private readonly Layout.LayoutMonitor _layout;
    private long? _lastTickMs;
    private long _nextWakeMs;
    private bool _nextWakeStale;

    /// <summary>
    /// Builds the core from the operator's config and the saved state (null on first start), merged by the rule
    /// documented on <see cref="SentinelState"/>. The first effects (the id log line, <c>+monitor</c> per master,
    /// a <see cref="PersistState"/> when the merged state differs from the saved one) are queued already.
    /// </summary>
    public SentinelCore(SentinelConfig config, SentinelState? persisted, CoreOptions options)
    {
        _context = new SentinelContext(config, options);
        _scripts = new ScriptQueue(_context);
        _events = new EventEmitter(_context) { Scripts = _scripts };
        _scripts.Events = _events;
        _links = new LinkManager(_context, _events);
        _topology = new Topology(_context, _links, _events);
        var vote = new LeaderVote(_context, _events);
        var masterSwitch = new MasterSwitch(_context, _topology, _events, _scripts);
        _switchover = new PlannedSwitchover(_context, _links, _events);
        _failover = new FailoverMachine(_context, _links, _events, new LeaderElection(_context, vote), masterSwitch,
            new Convergence(_context, _links, _events), _switchover);
        _info = new InfoHandler(_context, _topology, _events, _failover);
        _adoption = new ConfigAdoption(_context, _links, _events, masterSwitch);
        _admission = new PeerAdmission(_context, _links, _topology, _events);
        _hello = new HelloProcessor(_context, _links, _topology, _events, _adoption, _admission);
        _periodic = new PeriodicCommands(_context, _links, _hello);
        _detector = new FailureDetector(_context, _links, _events);
        _tilt = new TiltMonitor(_context, _events);
        _peerQueries = new PeerQueries(_context, _links);
        _fence = new Fencing.WriteFence(_context, _links, _events);
        _layout = new Layout.LayoutMonitor(_context, _events);
        _commands = new SentinelCommands(_context, _topology, _links, _events, vote, _failover, _scripts);

        Start(StateMerger.Merge(config, persisted), persisted);
        Finish();
    }

    /// <summary>This sentinel's 40-character run id.</summary>
    public string MyId => _context.MyId;

    /// <summary>When the host must call <see cref="Handle"/> with a <see cref="Tick"/> next (monotonic ms).</summary>
    /// <remarks>
    /// Computed when read, not after every input: it visits every record, and a host that drains a burst of inputs
    /// reads it once per burst (with 1,000 masters, computing it per input took most of the loop's time). Nothing
    /// changes between an input and the read, so the value is the one the input left.
    /// </remarks>
    public long NextWakeMs
    {
        get
        {
            if (_nextWakeStale)
            {
                _nextWakeMs = _context.ToHostMs(ComputeNextWake());
                _nextWakeStale = false;
            }
            return _nextWakeMs;
        }
    }

    /// <summary>The state as it would be saved now.</summary>
    public SentinelState State => StateSnapshot.Take(_context);

    public void Handle(Input input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (_context.Crashed) return;
        _context.AdvanceClock(input.NowMs);
        switch (input)
        {
            case Tick:
                OnTick(input.NowMs);
                break;
            case LinkConnected connected:
                if (_links.OnConnected(connected) && _admission.ClaimOn(connected.Link) is { } claimUp) _admission.OnConnected(claimUp);
                break;
            case LinkClosed closed:
                var claimLost = _admission.ClaimOn(closed.Link);
                _links.OnClosed(closed);
                if (claimLost is not null) _admission.OnClosed(claimLost);
                break;
            case LinkReply reply:
                OnReply(reply);
                break;
            case ScriptStarted started:
                _scripts.OnStarted(started);
                break;
            case ScriptExited exited:
                _scripts.OnExited(exited);
                break;
        }
        if (input is not Tick) RequestFailoverSteps();
        Finish();
    }

    public bool TryDequeueEffect([NotNullWhen(true)] out Effect? effect) => _context.Effects.TryDequeue(out effect);

    /// <summary>
    /// Runs <c>SENTINEL &lt;args&gt;</c> (<paramref name="args"/> = the words after SENTINEL). Effects it causes are
    /// queued; the host should carry out a queued <see cref="PersistState"/> before sending the reply, so that a
    /// vote is on disk before the voter hears it.
    /// </summary>
    public RespValue ExecuteSentinel(IReadOnlyList<byte[]> args, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (_context.Crashed) return new RespError("ERR the sentinel crashed (SENTINEL SIMULATE-FAILURE)");
        _context.AdvanceClock(nowMs);
        var words = new string[args.Count];
        for (int i = 0; i < words.Length; i++) words[i] = Encoding.UTF8.GetString(args[i]);
        var reply = _commands.Execute(words);
        RequestFailoverSteps();
        Finish();
        return reply;
    }

    /// <summary>What this sentinel knows now, as immutable data a host can hand to other threads.</summary>
    public Observation.SentinelObservation Observe(long nowMs)
    {
        _context.AdvanceClock(nowMs);
        return Observation.ObservationBuilder.Build(_context, _scripts.RunningCount, _scripts.QueueLength);
    }

    /// <summary><c>ROLE</c>: <c>["sentinel", [master names...]]</c>.</summary>
    public RespValue ExecuteRole() =>
        RespValue.Array(RespValue.Bulk("sentinel"), new RespArray(_context.Masters.Keys.Select(n => (RespValue)RespValue.Bulk(n)).ToList()));

    /// <summary>The <c># Sentinel</c> section of INFO, CRLF-terminated lines.</summary>
    public string InfoSentinelSection(long nowMs)
    {
        var sb = new StringBuilder();
        void Line(string text) => sb.Append(text).Append("\r\n");
        Line("# Sentinel");
        Line(Invariant($"sentinel_masters:{_context.Masters.Count}"));
        Line(Invariant($"sentinel_tilt:{(_context.Tilt ? 1 : 0)}"));
        Line(Invariant($"sentinel_tilt_since_seconds:{(_context.Tilt ? (nowMs - _context.ToHostMs(_context.TiltStartedAtMs)) / 1000 : -1)}"));
        Line(Invariant($"sentinel_running_scripts:{_scripts.RunningCount}"));
        Line(Invariant($"sentinel_scripts_queue_length:{_scripts.QueueLength}"));
        Line(Invariant($"sentinel_simulate_failure_flags:{_context.SimulateFailureFlags}"));
        int index = 0;
        foreach (var master in _context.Masters.Values)
        {
            string status = master.IsObjectivelyDown ? "odown" : master.IsSubjectivelyDown ? "sdown" : "ok";
            var address = master.Address;
            Line(Invariant($"master{index++}:name={master.Name},status={status},address={address.Announced(_context.AnnounceHostnames)}:{address.Port},slaves={master.Replicas.Count},sentinels={master.Peers.Count + 1}"));
        }
        return sb.ToString();
    }

    /// <summary><c>PUBLISH __sentinel__:hello &lt;payload&gt;</c> sent to this sentinel: processed as a hello, always <c>:1</c>.</summary>
    public RespValue AcceptHelloPublish(string payload, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (_context.Crashed) return RespValue.Integer(1);
        _context.AdvanceClock(nowMs);
        _hello.Process(payload);
        RequestFailoverSteps();
        Finish();
        return RespValue.Integer(1);
    }

    private void Start(SentinelState merged, SentinelState? persisted)
    {
        _context.Wide = merged.Sentinel;
        if (merged.Sentinel.LogLevel != _context.Config.Server.LogLevel) _context.Emit(new SetLogLevel(merged.Sentinel.LogLevel));
        _context.Resolver.ResolveHostnames = merged.Sentinel.ResolveHostnames;
        _context.CurrentEpoch = merged.CurrentEpoch;
        _context.MyId = merged.MyId.Length == Limits.RunIdLength ? merged.MyId : _context.NewRunId();

        foreach (var saved in merged.Masters)
        {
            var master = _topology.CreateMaster(saved.Name, saved.Address.Host, saved.Address.Port, saved.Settings, out var error);
            if (master is null)
            {
                _context.Log(LogLevel.Warning, $"Not monitoring '{saved.Name}' at {saved.Address.Host}:{saved.Address.Port}: {error}");
                continue;
            }
            master.ConfigBaseline = saved.ConfigBaseline;
            master.ConfigEpoch = saved.ConfigEpoch;
            master.ConfigEpochForced = saved.ConfigEpochForced;
            master.LeaderEpoch = saved.LeaderEpoch;
            master.Leader = saved.Leader;
            Failover.DampingHistory.Restore(master, saved.RecentFailovers, _context.Options, _context.NowMs);
            // Epochs only grow: a config epoch can never be ahead of the current epoch.
            _context.CurrentEpoch = Math.Max(_context.CurrentEpoch, saved.ConfigEpoch);
            foreach (var replica in saved.KnownReplicas) _topology.CreateReplica(master, replica.Host, replica.Port);
            foreach (var peer in saved.KnownSentinels)
            {
                if (peer.RunId.Length > 0) _topology.CreatePeer(master, peer.RunId, peer.Host, peer.Port);
            }
        }
        _context.RemovedMasters.AddRange(merged.RemovedMasters);
        _context.CurrentEpochRaisedAtMs = SentinelContext.LongAgoMs; // loaded, not raised by a recent election

        _context.Log(LogLevel.Warning, $"Sentinel ID is {_context.MyId}");
        foreach (var master in _context.Masters.Values)
        {
            _events.About(LogLevel.Warning, "+monitor", master, Invariant($" quorum {master.Settings.Quorum}"));
        }
        foreach (var warning in Layout.LayoutAdvice.FromConfig(_context.Config))
        {
            _context.Log(LogLevel.Warning, $"WARNING master '{warning.MasterName}': {warning.Text}");
        }
        if (persisted is null || persisted.ToJson() != StateSnapshot.Take(_context).ToJson()) _context.RequestPersist();
    }

    /// <summary>
    /// One pass over every master, then its replicas, then its peers (§1.7): the monitoring half always, the
    /// acting half unless in TILT.
    /// </summary>
    private void OnTick(long hostNowMs)
    {
        long now = _context.NowMs;
        _lastTickMs = now;
        _tilt.OnTick(hostNowMs);
        bool acting = _tilt.ActingAllowed(now);
        foreach (var master in _context.Masters.Values.ToList())
        {
            if (master.IsRemoved) continue;
            HandleInstance(master, acting);
            _layout.Check(master);
            foreach (var replica in master.Replicas.Values.ToList()) HandleInstance(replica, acting);
            foreach (var peer in master.Peers.Values.ToList()) HandleInstance(peer, acting);
            foreach (var claim in master.PeerClaims.Values.ToList()) _admission.Tick(claim);
        }
        // A master that reached update_config switches to the promoted replica, one per tick (TILT or not: it only
        // changes our view).
        _failover.SwitchIfDue();
        _scripts.OnTick();
    }

    /// <summary>
    /// Any input may move a running failover on (a vote, an INFO, a link coming up): step it at the next tick
    /// instead of waiting for a timer.
    /// </summary>
    private void RequestFailoverSteps()
    {
        foreach (var master in _context.Masters.Values)
        {
            if (master.FailoverInProgress) master.FailoverStepRequested = true;
        }
    }

    private void HandleInstance(InstanceRecord record, bool acting)
    {
        if (record.IsRemoved) return;
        _links.Reconnect(record);
        _periodic.Run(record);
        if (!acting) return;
        _detector.CheckSubjectivelyDown(record);
        if (record is MasterRecord master)
        {
            _detector.CheckObjectivelyDown(master);
            if (_failover.StartIfDue(master)) _peerQueries.Ask(master, forced: true);
            _failover.Step(master);
            _peerQueries.Ask(master, forced: false);
            _fence.Check(master);
        }
    }

    private void OnReply(LinkReply input)
    {
        if (_links.Find(input.Link) is not { } connection) return;
        var link = connection.Owner;
        if (connection.Role == LinkRole.PubSub)
        {
            if (_links.KeepsPubSubAfter(connection, input.Reply)) OnPubSubMessage(link, input.Reply);
            return;
        }
        if (!link.Awaited.TryDequeue(out var awaited) || awaited.Owner.IsRemoved) return;
        if (LinkManager.IsStuckInTransaction(awaited, input.Reply))
        {
            _links.CloseStuckInTransaction(link, awaited);
            return;
        }
        switch (awaited.Kind)
        {
            case ReplyKind.Ping:
                OnPingReply(awaited.Owner, input.Reply);
                break;
            case ReplyKind.Info when awaited.Owner is DataNodeRecord node:
                node.InfoInFlight = false;
                if (input.Reply is RespBulkString info) _info.Apply(node, info.Text);
                else node.InfoRetryNotBeforeMs = _context.NowMs + Limits.RetryAfterErrorReplyMs;
                break;
            case ReplyKind.Publish:
                _hello.OnPublishReply(awaited.Owner, input.Reply is RespError);
                break;
            case ReplyKind.IsMasterDown when awaited.Owner is PeerRecord peer:
                _peerQueries.OnReply(peer, awaited, input.Reply);
                break;
            case ReplyKind.PeerIdentity when awaited.Owner is PeerRecord claim:
                _admission.OnIdentityReply(claim, input.Reply);
                break;
            case ReplyKind.PeerWatchesMaster when awaited.Owner is PeerRecord claim:
                _admission.OnWatchReply(claim, input.Reply);
                break;
            case ReplyKind.MasterAddress when awaited.Owner is PeerRecord peer:
                _adoption.OnMasterAddressReply(peer, input.Reply);
                break;
            case ReplyKind.SwitchoverPause when awaited.Owner is MasterRecord master:
                _switchover.OnPauseReply(master, input.Reply);
                break;
            case ReplyKind.SwitchoverOffset when awaited.Owner is MasterRecord master:
                _switchover.OnOffsetReply(master, input.Reply);
                break;
            case ReplyKind.FencePause when awaited.Owner is MasterRecord master:
                _fence.OnPauseReply(master, input.Reply);
                break;
            case ReplyKind.FenceConfirm when awaited.Owner is PeerRecord peer:
                _fence.OnConfirmReply(peer, input.Reply);
                break;
        }
    }

    /// <summary>
    /// PONG, LOADING and MASTERDOWN prove the instance alive; any reply proves the link alive. A BUSY reply from
    /// an SDOWN instance earns one SCRIPT KILL.
    /// </summary>
    private void OnPingReply(InstanceRecord record, RespValue reply)
    {
        var link = record.Link;
        string? text = reply switch
        {
            RespSimpleString status => status.Text,
            RespError error => error.Text,
            _ => null,
        };
        if (text is not null)
        {
            if (text.StartsWith("PONG", StringComparison.Ordinal)
                || text.StartsWith("LOADING", StringComparison.Ordinal)
                || text.StartsWith("MASTERDOWN", StringComparison.Ordinal))
            {
                if (link.ActivePingSentAtMs != 0 && link.LastPingSentAtMs != 0) link.LastRoundTripMs = _context.NowMs - link.ActivePingSentAtMs;
                link.LastAvailableAtMs = _context.NowMs;
                link.ActivePingSentAtMs = 0;
                if (record is MasterRecord { RebootDetected: true } master && text.StartsWith("PONG", StringComparison.Ordinal))
                {
                    master.RebootDetected = false;
                }
            }
            else if (text.StartsWith("BUSY", StringComparison.Ordinal)
                     && record is DataNodeRecord { IsSubjectivelyDown: true, ScriptKillSent: false } node)
            {
                _links.Send(node, ReplyKind.Discard, "SCRIPT", "KILL");
                node.ScriptKillSent = true;
            }
        }
        link.LastPongAtMs = _context.NowMs;
    }

    /// <summary>Any message proves the pub/sub link alive; <c>["message", channel, payload]</c> not from us is a hello.</summary>
    private void OnPubSubMessage(InstanceLink link, RespValue message)
    {
        link.PubSubLastActivityMs = _context.NowMs;
        IReadOnlyList<RespValue>? items = message switch
        {
            RespArray array => array.Items,
            RespPush push => push.Items,
            _ => null,
        };
        if (items is not [RespBulkString kind, RespBulkString, RespBulkString payload] || kind.Text != "message") return;
        string text = payload.Text;
        if (text.Contains(_context.MyId, StringComparison.Ordinal)) return;
        _hello.Process(text);
    }

    /// <summary>After every input: one persist for whatever asked for it, and the next wake time.</summary>
    private void Finish()
    {
        if (_context.Crashed)
        {
            _nextWakeMs = long.MaxValue;
            _nextWakeStale = false;
            return;
        }
        if (_context.PersistRequested)
        {
            _context.PersistRequested = false;
            _context.Emit(new PersistState(StateSnapshot.Take(_context)));
        }
        _nextWakeStale = true;
    }

    /// <summary>
    /// The earliest time any rule becomes due, at most <see cref="Limits.MaxTickIntervalMs"/> after the last tick
    /// (so TILT still notices a stalled host), never the same millisecond as the last tick, never in the past.
    /// </summary>
    private long ComputeNextWake()
    {
        long due = long.MaxValue;
        foreach (var (_, _, dueMs) in WakeCandidates(withNames: false)) due = Math.Min(due, dueMs);
        if (_lastTickMs is { } last) due = Math.Max(due, last + Limits.MinTickIntervalMs);
        return Math.Max(due, _context.NowMs);
    }

    /// <summary>Every rule's next due time, named: what <see cref="NextWakeMs"/> is made of (for diagnostics).</summary>
    internal IEnumerable<(string Rule, string Record, long DueMs)> WakeCandidates(bool withNames = true)
    {
        long now = _context.NowMs;
        long anchor = _lastTickMs ?? _context.Options.StartNowMs;
        long cap = Math.Min(Limits.MaxTickIntervalMs, _context.Timings.TiltTriggerMs / 2);
        yield return ("max-interval", "", anchor + Math.Max(cap, Limits.MinTickIntervalMs));
        yield return ("tilt-exit", "", _tilt.ExitDueAt());
        yield return ("scripts", "", _scripts.DueAt());
        bool acting = !_context.Tilt;
        foreach (var master in _context.Masters.Values)
        {
            foreach (var candidate in InstanceCandidates(master, now, acting, withNames)) yield return candidate;
            foreach (var replica in master.Replicas.Values)
            {
                foreach (var candidate in InstanceCandidates(replica, now, acting, withNames)) yield return candidate;
            }
            foreach (var peer in master.Peers.Values)
            {
                foreach (var candidate in InstanceCandidates(peer, now, acting, withNames)) yield return candidate;
            }
            foreach (var claim in master.PeerClaims.Values)
            {
                yield return ("peer-claim", withNames ? $"{master.Name}/{claim.Name}" : "", _admission.DueAt(claim));
            }
            if (acting)
            {
                if (_detector.ObjectiveStateIsStale(master)) yield return ("odown", master.Name, now);
                yield return ("peer-queries", master.Name, _peerQueries.DueAt(master));
                yield return ("failover", master.Name, _failover.DueAt(master));
                yield return ("fence", master.Name, _fence.DueAt(master));
            }
            if (master.FailoverState == FailoverState.UpdateConfig) yield return ("switch", master.Name, now);
        }
    }

    private IEnumerable<(string Rule, string Record, long DueMs)> InstanceCandidates(InstanceRecord record, long now, bool acting, bool withNames)
    {
        string name = withNames ? $"{record.OwningMaster.Name}/{record.Name}" : "";
        yield return ("reconnect", name, _links.ReconnectDueAt(record));
        yield return ("periodic", name, _periodic.DueAt(record));
        if (acting) yield return ("sdown", name, _detector.SubjectiveDueAt(record, now));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
