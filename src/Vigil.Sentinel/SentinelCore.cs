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
/// clock does not go back (see <c>CoreClock.AdvanceClock</c>): times stored before the step never lie in
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
/// <item>Hostnames are resolved by the host, not while a command or a tick runs (see <c>HostnameCache</c>): a command
/// naming a host answers once the lookup did; a failed lookup keeps the address found before; a name never resolved
/// names no replica (<c>:port</c>) and no master in a hello.</item>
/// </list>
/// </remarks>
public sealed class SentinelCore : ISentinelCore
{
    private readonly CoreSettings _settings;
    private readonly CoreClock _clock;
    private readonly EffectQueue _effects;
    private readonly Epochs _epochs;
    private readonly TiltState _tilt;
    private readonly MonitorState _monitored;
    private readonly Random _random;
    private readonly HostnameCache _hostnames;
    private readonly AddressResolver _resolver;
    private readonly RequestsAwaitingHostnames _awaitingHostnames = new();
    private readonly EventEmitter _events;
    private readonly LinkManager _links;
    private readonly MoveTargetCheck _moveTargetCheck;
    private readonly Topology _topology;
    private readonly InfoHandler _info;
    private readonly HelloProcessor _hello;
    private readonly PeriodicCommands _periodic;
    private readonly FailureDetector _detector;
    private readonly TiltMonitor _tiltMonitor;
    private readonly PeerQueries _peerQueries;
    private readonly SentinelSubcommands _commands;
    private readonly ScriptQueue _scripts;
    private readonly FailoverMachine _failover;
    private readonly ConfigAdoption _adoption;
    private readonly PeerAdmission _admission;
    private readonly PlannedSwitchover _switchover;
    private readonly Fencing.WriteFence _fence;
    private readonly Layout.LayoutMonitor _layout;
    private readonly PingReplies _pingReplies;
    private readonly HelloListener _helloListener;
    private readonly WakeSchedule _wake;
    private long _nextWakeMs;
    private bool _nextWakeStale;

    /// <summary>
    /// Builds the core from the operator's config and the saved state (null on first start), merged by the rule
    /// documented on <see cref="SentinelState"/>. The first effects (the id log line, <c>+monitor</c> per master,
    /// a <see cref="PersistState"/> when the merged state differs from the saved one) are queued already.
    /// </summary>
    public SentinelCore(SentinelConfig config, SentinelState? persisted, CoreOptions options)
    {
        _settings = new CoreSettings(config, options);
        _clock = new CoreClock(options.StartNowMs);
        _epochs = new Epochs(_clock);
        _tilt = new TiltState(options.StartNowMs);
        _random = new Random(options.RandomSeed);
        _monitored = new MonitorState(_random);
        _effects = new EffectQueue(_settings, () => StateSnapshot.Take(_settings, _epochs, _monitored));
        _hostnames = new HostnameCache(_clock, _effects);
        _hostnames.Seed(options.ResolvedHostnames);
        _resolver = new AddressResolver(_hostnames, message => _effects.Log(LogLevel.Warning, message));
        _scripts = new ScriptQueue(_settings, _clock, _effects);
        _events = new EventEmitter(_settings, _effects) { Scripts = _scripts };
        _scripts.Events = _events;
        _links = new LinkManager(_settings, _clock, _effects, _monitored, _resolver, _events);
        _moveTargetCheck = new MoveTargetCheck(_clock, _effects, _links);
        _topology = new Topology(_settings, _clock, _effects, _monitored, _resolver, _links, _events);
        var vote = new LeaderVote(_clock, _effects, _epochs, _monitored, _random, _events);
        var masterSwitch = new MasterSwitch(_settings, _clock, _effects, _epochs, _topology, _events, _scripts);
        _switchover = new PlannedSwitchover(_clock, _effects, _links, _events);
        _failover = new FailoverMachine(_settings, _clock, _effects, _epochs, _monitored, _random, _resolver, _links, _events, new LeaderElection(_settings, _clock, _monitored, vote), masterSwitch,
            new Convergence(_settings, _clock, _epochs, _resolver, _links, _events), _switchover);
        _info = new InfoHandler(_clock, _effects, _tilt, _resolver, _topology, _events, _failover);
        _adoption = new ConfigAdoption(_clock, _effects, _epochs, _resolver, _links, _events, masterSwitch);
        _admission = new PeerAdmission(_settings, _clock, _effects, _monitored, _resolver, _links, _topology, _events);
        _hello = new HelloProcessor(_settings, _clock, _effects, _epochs, _monitored, _links, _topology, _events, _adoption, _admission);
        _periodic = new PeriodicCommands(_settings, _clock, _links, _hello);
        _detector = new FailureDetector(_settings, _clock, _links, _events);
        _tiltMonitor = new TiltMonitor(_settings, _clock, _effects, _tilt, _events);
        _peerQueries = new PeerQueries(_settings, _clock, _effects, _epochs, _monitored, _links);
        _fence = new Fencing.WriteFence(_clock, _effects, _resolver, _links, _events);
        _layout = new Layout.LayoutMonitor(_settings, _clock, _events);
        _commands = new SentinelSubcommands(_settings, _clock, _effects, _epochs, _tilt, _monitored, _resolver, _topology, _links, _events, vote, _failover, _scripts, masterSwitch, _moveTargetCheck);
        _pingReplies = new PingReplies(_clock, _links);
        _helloListener = new HelloListener(_clock, _monitored, _hello);
        _wake = new WakeSchedule(_settings, _clock, _effects, _tilt, _monitored, _tiltMonitor, _scripts, _links, _periodic, _detector, _admission,
            _peerQueries, _failover, _fence);

        Start(StateMerger.Merge(config, persisted), persisted);
        _wake.TouchAll();
        Finish();
    }

    /// <summary>This sentinel's 40-character run id.</summary>
    public string MyId => _monitored.MyId;

    /// <summary>When the host must call <see cref="Handle"/> with a <see cref="Tick"/> next (monotonic ms).</summary>
    /// <remarks>
    /// Computed when read, not after every input, by the <see cref="WakeSchedule"/>: only the masters an input or
    /// tick touched since the last read are recomputed (with 1,000 masters, visiting every record per read took most
    /// of the loop's time). Nothing changes between an input and the read, so the value is the one the input left.
    /// </remarks>
    public long NextWakeMs
    {
        get
        {
            if (_nextWakeStale)
            {
                _nextWakeMs = _clock.ToHostMs(_wake.NextDue());
                _nextWakeStale = false;
            }
            return _nextWakeMs;
        }
    }

    /// <summary>
    /// Records visited so far (by a tick acting on them, or to compute their due times for <see cref="NextWakeMs"/>):
    /// the core's work, counted rather than timed, so a simulation can show how the work per input grows with the fleet.
    /// </summary>
    public long RecordVisits => _recordVisits + _wake.RecordVisits;

    private long _recordVisits;

    /// <summary>The state as it would be saved now.</summary>
    public SentinelState State => StateSnapshot.Take(_settings, _epochs, _monitored);

    public void Handle(Input input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (_effects.Crashed)
        {
            // The process is gone; a host that still asks (a test, a simulated client) gets what a dead sentinel's
            // stand-in would say, so no request waits for ever.
            foreach (var held in _awaitingHostnames.ReleaseAll()) _effects.AnswerAfterCrash(AfterCrash(held));
            if (input is ClientRequest request) _effects.AnswerAfterCrash(AfterCrash(request));
            return;
        }
        _clock.AdvanceClock(input.NowMs);
        bool tiltBefore = _tilt.Active;
        TouchFor(input);
        switch (input)
        {
            case Tick:
                OnTick(input.NowMs);
                break;
            case LinkConnected connected when _moveTargetCheck.OnConnected(connected):
                break;
            case LinkClosed closed when _moveTargetCheck.OnClosed(closed):
                break;
            case LinkReply reply when _moveTargetCheck.OnReply(reply):
                // A move may have been made: every master's due times are looked at again.
                _wake.TouchAll();
                break;
            case LinkConnected connected:
                if (_links.OnConnected(connected))
                {
                    foreach (var claimUp in _admission.ClaimsOn(connected.Link)) _admission.Ask(claimUp);
                }
                break;
            case LinkClosed closed:
                var claimsLost = _admission.ClaimsOn(closed.Link);
                _links.OnClosed(closed);
                foreach (var claimLost in claimsLost) _admission.OnClosed(claimLost);
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
            case StateSaved saved:
                _effects.OnSaved(saved);
                break;
            case HostnameResolved resolved:
                OnHostnameResolved(resolved);
                break;
            case ClientRequest request:
                OnClientRequest(request);
                break;
        }
        // Admitting a sentinel may remove or move its records under other masters (an address switch, a new run id).
        TouchOtherMastersAdmissionChanged();
        // Only an input that may move a failover or a fence on asks for their checks now (not a tick, a save
        // confirmed or a read).
        AfterInput(tiltBefore, requestChecks: input is not (Tick or StateSaved or RoleRequest or InfoSentinelRequest or ObserveRequest));
        Finish(discoveryAllowed: input is not StateSaved);
    }

    public bool TryDequeueEffect([NotNullWhen(true)] out Effect? effect) => _effects.TryDequeue(out effect);

    private Effect AfterCrash(ClientRequest request) => request switch
    {
        HelloPublished => new Reply(request.RequestId, RespValue.Integer(1)),
        ObserveRequest => new ObservationReply(request.RequestId,
            Observation.ObservationBuilder.Build(_settings, _clock, _epochs, _tilt, _monitored, _scripts.RunningCount, _scripts.QueueLength)),
        _ => new Reply(request.RequestId, new RespError("ERR the sentinel crashed (SENTINEL SIMULATE-FAILURE)")),
    };

    private void OnClientRequest(ClientRequest request)
    {
        switch (request)
        {
            case SentinelRequest sentinel:
                var words = new string[sentinel.Args.Count];
                for (int i = 0; i < words.Length; i++) words[i] = Encoding.UTF8.GetString(sentinel.Args[i]);
                if (_commands.HostnameAwaited(words) is { } hostname && _awaitingHostnames.Hold(hostname, sentinel)) break;
                _commands.RequestId = sentinel.RequestId;
                _commands.ExecutablePaths = sentinel.ExecutablePaths;
                RespValue reply;
                long epochBefore = _epochs.Current;
                _resolver.CommandRunning = true;
                try
                {
                    reply = _commands.Execute(words);
                }
                finally
                {
                    _resolver.CommandRunning = false;
                }
                TouchAfterCommand(words, epochBefore);
                if (!ReferenceEquals(reply, SentinelSubcommands.AnswerLater)) _effects.EmitReply(sentinel.RequestId, reply);
                break;
            case RoleRequest role:
                _effects.EmitReply(role.RequestId,
                    RespValue.Array(RespValue.Bulk("sentinel"), new RespArray(_monitored.Masters.Keys.Select(n => (RespValue)RespValue.Bulk(n)).ToList())));
                break;
            case InfoSentinelRequest info:
                _effects.EmitReply(info.RequestId,
                    RespValue.Bulk(Observation.InfoSentinelSection.Render(_settings, _clock, _effects, _tilt, _monitored, _scripts, info.NowMs)));
                break;
            case HelloPublished hello:
                TouchChangedByHello(_hello.Process(hello.Payload));
                _effects.EmitReply(hello.RequestId, RespValue.Integer(1));
                break;
            case ObserveRequest observe:
                _effects.Emit(new ObservationReply(observe.RequestId,
                    Observation.ObservationBuilder.Build(_settings, _clock, _epochs, _tilt, _monitored, _scripts.RunningCount, _scripts.QueueLength)));
                break;
        }
    }

    /// <summary>
    /// A SENTINEL subcommand that may change any master touches them all, except IS-MASTER-DOWN-BY-ADDR: peers send it
    /// every second for every master they see down, and it changes at most the master it names (a vote, a request to
    /// ask back), unless the vote raised the current epoch, which every master's election reads.
    /// </summary>
    private void TouchAfterCommand(string[] words, long epochBefore)
    {
        if (ReadOnlySubcommands.Contains(words)) return;
        if (words.Length > 0 && string.Equals(words[0], "is-master-down-by-addr", StringComparison.OrdinalIgnoreCase) && _epochs.Current == epochBefore)
        {
            if (_commands.AskedAbout is { } master) _wake.Touch(master);
            return;
        }
        _wake.TouchAll();
    }

    /// <summary>
    /// The host answered a hostname: links waiting for their address may open (every master's due times change),
    /// nodes whose INFO named it are asked again, and the commands waiting for it run now, in the order they came.
    /// </summary>
    private void OnHostnameResolved(HostnameResolved resolved)
    {
        _hostnames.OnResolved(resolved);
        _info.OnHostnameAnswered();
        _wake.TouchAll();
        foreach (var request in _awaitingHostnames.Release(resolved.Hostname)) OnClientRequest(request);
    }

    private void Start(SentinelState merged, SentinelState? persisted)
    {
        _settings.Wide = merged.Sentinel;
        if (merged.Sentinel.LogLevel != _settings.Config.Server.LogLevel) _effects.Emit(new SetLogLevel(merged.Sentinel.LogLevel));
        _resolver.ResolveHostnames = merged.Sentinel.ResolveHostnames;
        _epochs.Current = merged.CurrentEpoch;
        _monitored.MyId = merged.MyId.Length == Limits.RunIdLength ? merged.MyId : _monitored.NewRunId();

        foreach (var saved in merged.Masters)
        {
            var master = _topology.CreateMaster(saved.Name, saved.Address.Host, saved.Address.Port, saved.Settings, out var error);
            if (master is null)
            {
                _effects.Log(LogLevel.Warning, $"Not monitoring '{saved.Name}' at {saved.Address.Host}:{saved.Address.Port}: {error}");
                continue;
            }
            master.ConfigBaseline = saved.ConfigBaseline;
            master.ConfigEpoch = saved.ConfigEpoch;
            master.ConfigEpochForced = saved.ConfigEpochForced;
            master.LeaderEpoch = saved.LeaderEpoch;
            master.Leader = saved.Leader;
            Failover.DampingHistory.Restore(master, saved.RecentFailovers, _settings.Options, _clock.NowMs);
            // Epochs only grow: a config epoch can never be ahead of the current epoch.
            _epochs.Current = Math.Max(_epochs.Current, saved.ConfigEpoch);
            foreach (var replica in saved.KnownReplicas) _topology.CreateReplica(master, replica.Host, replica.Port);
            foreach (var peer in saved.KnownSentinels)
            {
                if (peer.RunId.Length > 0) _topology.CreatePeer(master, peer.RunId, peer.Host, peer.Port);
            }
        }
        _monitored.RemovedMasters.AddRange(merged.RemovedMasters);
        _epochs.RaisedAtMs = CoreClock.LongAgoMs; // loaded, not raised by a recent election

        _effects.Log(LogLevel.Warning, $"Sentinel ID is {_monitored.MyId}");
        foreach (var master in _monitored.Masters.Values)
        {
            _events.About(LogLevel.Warning, "+monitor", master, InvariantText($" quorum {master.Settings.Quorum}"));
        }
        foreach (var warning in Layout.LayoutAdvice.FromConfig(_settings.Config))
        {
            _effects.Log(LogLevel.Warning, $"WARNING master '{warning.MasterName}': {warning.Text}");
        }
        if (persisted is null || persisted.ToJson() != StateSnapshot.Take(_settings, _epochs, _monitored).ToJson()) _effects.RequestPersist();
    }

    /// <summary>
    /// Visits the masters with a rule due now, each with its replicas and peers (compatibility-rules §1.7): the
    /// monitoring half always, the acting half unless in TILT. Once a second, and when TILT ends, every master.
    /// </summary>
    /// <remarks>
    /// The reference visits every instance on every timer run; with a thousand masters that is most of a sentinel's
    /// time, spent finding that nothing is due. The due times come from the same rules a visit applies
    /// (<see cref="WakeSchedule"/>), and <see cref="CoreOptions.CheckSkippedVisits"/> proves in the tests and the
    /// simulator that a skipped master had nothing to do.
    /// </remarks>
    private void OnTick(long hostNowMs)
    {
        long now = _clock.NowMs;
        _wake.LastTickMs = now;
        bool tiltBefore = _tilt.Active;
        _tiltMonitor.OnTick(hostNowMs);
        _moveTargetCheck.OnTick();
        bool acting = _tiltMonitor.ActingAllowed(now);
        bool sweep = _wake.TakeSweep(now) | _tilt.Active != tiltBefore;
        var visits = _tickVisits;
        var linkDue = _tickLinkDue;
        visits.Clear();
        linkDue.Clear();
        // Taken on a sweep too: a peer's silence watch that ends now must be noted (see PeerLinkSchedule).
        _wake.TakeDue(now, visits, linkDue);
        if (sweep)
        {
            visits.Clear();
            visits.AddRange(_monitored.Masters.Values);
            linkDue.Clear();
        }
        // Before the due visits: what they change is for the next tick's due times to pick up.
        else if (_settings.Options.CheckSkippedVisits) CheckSkippedVisits(visits, linkDue, acting);
        // A peer link's PING, reconnect or health check: one of its records stands for all those of its down-after.
        foreach (var peer in linkDue)
        {
            HandleInstance(peer, acting);
            _wake.Touch(peer.OwningMaster);
        }
        foreach (var master in visits) VisitMaster(master, acting, withLayout: sweep);
        // A master that reached update_config switches to the promoted replica, one per tick (TILT or not: it only
        // changes our view).
        _failover.SwitchIfDue();
        _scripts.OnTick();
    }

    private readonly List<MasterRecord> _tickVisits = [];
    private readonly List<ReplicaRecord> _visitReplicas = [];
    private readonly List<PeerRecord> _visitPeers = [];
    private readonly List<PeerRecord> _tickLinkDue = [];

    /// <param name="skippedLinks">For a shadow visit: the peer links with a rule due this tick; their records are not visited (each would act on the link as the tick does).</param>
    private void VisitMaster(MasterRecord master, bool acting, bool withLayout, bool shadow = false, HashSet<InstanceLink>? skippedLinks = null)
    {
        if (master.IsRemoved) return;
        HandleInstance(master, acting);
        // Layout warnings follow discovery, which is slow anyway: checked on the once-a-second sweep only.
        if (withLayout) _layout.Check(master);
        // Copied first (a visit may remove a record), into lists kept for it: a tick visits many masters.
        var replicas = _visitReplicas;
        replicas.Clear();
        replicas.AddRange(master.Replicas.Values);
        foreach (var replica in replicas) HandleInstance(replica, acting);
        var peers = _visitPeers;
        peers.Clear();
        peers.AddRange(master.Peers.Values);
        foreach (var peer in peers)
        {
            if (skippedLinks is null || !skippedLinks.Contains(peer.Link)) HandleInstance(peer, acting);
        }
        peers.Clear();
        peers.AddRange(master.PeerClaims.Values);
        foreach (var claim in peers) _admission.Tick(claim);
        // A shadow visit must do nothing, so nothing is recomputed after it either: the schedule stays as it would be
        // without the check, and so does the counted work.
        if (!shadow) _wake.Touch(master);
    }

    /// <summary>Visits the masters this tick skipped; any that does something had a rule due that its due time missed.</summary>
    private void CheckSkippedVisits(List<MasterRecord> visited, List<PeerRecord> linkDue, bool acting)
    {
        var seen = new HashSet<MasterRecord>(visited, ReferenceEqualityComparer.Instance);
        var dueLinks = new HashSet<InstanceLink>(ReferenceEqualityComparer.Instance);
        foreach (var peer in linkDue) dueLinks.Add(peer.Link);
        long countedVisits = _recordVisits;
        _hostnames.Silent = true;
        try
        {
            foreach (var master in _monitored.Masters.Values.ToList())
            {
                if (seen.Contains(master) || master.IsRemoved) continue;
                long before = _effects.Activity;
                VisitMaster(master, acting, withLayout: false, shadow: true, skippedLinks: dueLinks);
                Invariants.Check(_effects.Activity == before, $"master {master.Name} was not due at {_clock.NowMs} but a visit acted on it ({_effects.LastActivity})");
            }
        }
        finally
        {
            _hostnames.Silent = false;
        }
        _recordVisits = countedVisits;
    }

    /// <summary>
    /// Touches the masters an input is about: the master of the record a reply answers, or those using the link it
    /// came on (a peer's link serves many, and is scheduled on its own: see <see cref="PeerLinkSchedule"/>).
    /// </summary>
    private void TouchFor(Input input)
    {
        LinkId? id = input switch
        {
            LinkConnected connected => connected.Link,
            LinkClosed closed => closed.Link,
            LinkReply reply => reply.Link,
            _ => null,
        };
        if (id is not { } linkId || _links.Find(linkId) is not { } connection) return;
        var link = connection.Owner;
        // A reply other than a PING's changes the record that asked for it; a PING's reply changes its link's PING times;
        // anything else on a link (its connections) changes the deadlines of every record using it, or for a peer's
        // link, its own schedule and, if it became usable or unusable, its users' (see PeerLinkSchedule).
        if (input is LinkReply && connection.Role == LinkRole.Command && link.Awaited.TryPeek(out var awaited))
        {
            if (awaited.Kind == ReplyKind.Ping) _wake.OnLinkChanged(link);
            else _wake.Touch(awaited.Owner.OwningMaster);
            return;
        }
        // A message on a pub/sub link only puts the link's health check later; a hello in it that changed a master's
        // state touches that master once processed (OnReply). At a thousand masters these are thousands a second.
        if (input is LinkReply { Reply: var message } && connection.Role == LinkRole.PubSub && HelloListener.HelloPayload(message) is not null) return;
        _wake.OnLinkChanged(link);
    }

    private void TouchOtherMastersAdmissionChanged()
    {
        var changed = _admission.OtherMastersChanged;
        if (changed.Count == 0) return;
        foreach (var master in changed) _wake.Touch(master);
        changed.Clear();
    }

    /// <summary>A hello changed <paramref name="master"/>'s state (a hello never adds or removes a master record).</summary>
    private void TouchChangedByHello(MasterRecord? master)
    {
        if (master is not null) _wake.Touch(master);
    }

    /// <summary>
    /// After an input, tick or command: TILT starting or ending changes every master's due rules; a shared link the
    /// touched masters changed touches its other users too. An input (not a tick) may move a running failover on (a
    /// vote, an INFO, a link coming up) or change what an engaged or doubting fence sees: the touched masters'
    /// failovers step, and their fences are checked, at the next tick instead of waiting for a timer.
    /// </summary>
    private void AfterInput(bool tiltBefore, bool requestChecks)
    {
        if (_tilt.Active != tiltBefore) _wake.TouchAll();
        _wake.CheckLinks();
        if (!requestChecks) return;
        var touched = _wake.TouchedSinceChecked;
        for (int i = 0; i < touched.Count; i++)
        {
            var master = touched[i];
            if (master.FailoverInProgress) master.FailoverStepRequested = true;
            if (master.Fence.Engaged || master.Fence.DoubtSinceMs != 0) master.Fence.CheckRequested = true;
        }
    }

    private void HandleInstance(InstanceRecord record, bool acting)
    {
        if (record.IsRemoved) return;
        _recordVisits++;
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
            if (_links.KeepsPubSubAfter(connection, input.Reply)) TouchChangedByHello(_helloListener.OnMessage(link, input.Reply));
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
                _pingReplies.Apply(awaited.Owner, input.Reply);
                break;
            case ReplyKind.Info when awaited.Owner is DataNodeRecord node:
                Invariants.Check(node.InfoInFlight, $"an INFO reply for {node.Name} with no INFO in flight");
                node.InfoInFlight = false;
                if (input.Reply is RespBulkString info)
                {
                    node.LastInfo.Set(info.Bytes);
                    _info.Apply(node, info.Text);
                }
                else node.InfoRetryNotBeforeMs = _clock.NowMs + Limits.RetryAfterErrorReplyMs;
                break;
            case ReplyKind.Publish:
                if (awaited is { Probe: true, Owner: DataNodeRecord target }) _pingReplies.ApplyProbe(target, input.Reply);
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
            case ReplyKind.FenceProbePublish when awaited.Owner is MasterRecord master:
                _fence.OnProbePublishReply(master, input.Reply);
                break;
            case ReplyKind.FenceProbe when awaited.Owner is MasterRecord master:
                _fence.OnProbeReply(master, input.Reply);
                break;
        }
    }

    /// <summary>After every input: one persist for whatever asked for it, and the next wake time.</summary>
    private void Finish(bool discoveryAllowed = true)
    {
        if (_effects.Crashed)
        {
            _nextWakeMs = long.MaxValue;
            _nextWakeStale = false;
            return;
        }
        _effects.FlushPersist(_clock.NowMs, discoveryAllowed);
        _nextWakeStale = true;
    }

    /// <summary>The next wake computed by visiting every master (what <see cref="NextWakeMs"/> must never be later than; for tests).</summary>
    internal long ScanNextWakeMs() => _effects.Crashed ? long.MaxValue : _clock.ToHostMs(_wake.ScanNextDue());

    /// <summary>Every rule's next due time, named: what <see cref="NextWakeMs"/> is made of (for diagnostics).</summary>
    internal IEnumerable<(string Rule, string Record, long DueMs)> WakeCandidates() => _wake.Candidates();

    private static string InvariantText(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
