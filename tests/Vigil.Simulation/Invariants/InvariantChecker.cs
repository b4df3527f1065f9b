using System.Globalization;
using Vigil.Resp;
using Vigil.Sentinel.State;
using Vigil.Simulation.Network;
using Vigil.Simulation.Redis;
using Vigil.Simulation.Sentinels;
using Vigil.Simulation.World;

namespace Vigil.Simulation.Invariants;

/// <summary>
/// Checks the safety rules after every step, from what the sentinels emit (events, saved states, hello payloads,
/// answers to vote requests) and what the Redis nodes are told. A broken rule throws
/// <see cref="InvariantViolationException"/> at the step that broke it. Rules that need failover have nothing to
/// look at until the core fails over; they are armed already.
/// </summary>
internal sealed class InvariantChecker
{
    /// <summary>Peers' "master is down" answers stay valid this long after they stop being true (5 ask periods, plus delivery).</summary>
    private const long DownAnswerWindowMs = 5 * 1000 + 2000;

    private readonly SimWorld _world;
    private readonly SentinelTrack[] _tracks;
    private readonly Dictionary<(string Master, long Epoch), Dictionary<string, string>> _votes = [];

    /// <summary>Votes given before the voter's master record was removed: no longer binding it, still counted for the tally.</summary>
    private readonly Dictionary<(string Master, long Epoch), List<(string Voter, string Candidate)>> _retiredVotes = [];
    private readonly Dictionary<(string Responder, int Group, long Epoch), string> _replyVotes = [];
    private readonly Dictionary<(string Master, long Epoch), string> _winners = [];
    private readonly Dictionary<(string Master, long ConfigEpoch), string> _configAddresses = [];
    private readonly HashSet<(string Master, long Epoch)> _forcedEpochs = [];
    private readonly HashSet<(string Master, long Epoch)> _minorityEpochs = [];
    private int? _servingGroup;
    private readonly HashSet<string> _forgedHellos = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _promotedAtMs = new(StringComparer.Ordinal);

    /// <summary>
    /// No run reaches this epoch by failover attempts; forged hellos announce epochs above it, so an epoch here or
    /// above was taken from a forgery (the core refuses steps beyond its own bound, and any step from a sentinel it did
    /// not admit).
    /// </summary>
    public const long ForgedEpochFloor = 100_000;

    public InvariantChecker(SimWorld world, int sentinelCount)
    {
        _world = world;
        _tracks = new SentinelTrack[sentinelCount];
        for (int i = 0; i < sentinelCount; i++) _tracks[i] = new SentinelTrack();
    }

    public CheckerStats Stats { get; } = new();

    /// <summary>Failovers per group (distinct epochs of promotions or switches), for the write-loss bound.</summary>
    public Dictionary<int, HashSet<long>> FailoverEpochsByGroup { get; } = [];

    /// <summary>
    /// Failover epochs per group whose leader promoted only after the replica caught up with the paused master: the
    /// planned switchover the product promises loses no acknowledged write. A SENTINEL FAILOVER refused, or whose
    /// pause was dropped because the master stopped answering (docs/failover.md), and any failover the operator did
    /// not ask for, fail over as the reference does and are held to the unplanned bounds (seeds 318732, 437648).
    /// </summary>
    public Dictionary<int, HashSet<long>> CaughtUpSwitchoverEpochsByGroup { get; } = [];

    public SentinelTrack Track(SentinelNode sentinel) => _tracks[sentinel.Index];

    private static InvariantViolationException Violation(string invariant, string detail) => new(invariant, detail);

    // ---------------------------------------------------------------- process lifecycle

    public void OnSentinelStarted(SentinelNode sentinel, SentinelState state)
    {
        var track = Track(sentinel);
        track.RunId = state.MyId;
        track.Running = true;
        track.InTilt = false;
        track.SubjectivelyDown.Clear();
        track.Failovers.Clear();
        track.DeferredForcedFailovers.Clear();
        if (state.CurrentEpoch < track.PersistedCurrentEpoch)
        {
            throw Violation("epoch-monotonic", $"{sentinel.Name} restarted with current-epoch {state.CurrentEpoch} below the {track.PersistedCurrentEpoch} it had saved");
        }
        track.CurrentEpoch = state.CurrentEpoch;
        track.StartedAtMs = _world.NowMs;
        track.LastSwitch.Clear();
        track.MasterDownSinceMs.Clear();
        foreach (var master in state.Masters)
        {
            track.Quorum[master.Name] = master.Settings.Quorum;
            track.Timing[master.Name] = (master.Settings.DownAfterMs, master.Settings.FailoverDampingMs);
            // A sentinel (re)starting without every peer in its state must hear their hellos first (see OnElected).
            track.KnownSentinels[master.Name] = master.KnownSentinels.Count;
            if (master.KnownSentinels.Count < _tracks.Length - 1) track.PeersForgotten.Add(master.Name);
        }
    }

    public void OnSentinelStopped(SentinelNode sentinel)
    {
        var track = Track(sentinel);
        track.Running = false;
        track.InTilt = false;
        foreach (string key in track.SubjectivelyDown)
        {
            if (key.StartsWith("master ", StringComparison.Ordinal)) track.MasterDownEndedAtMs[key[7..key.IndexOf(' ', 7)]] = _world.NowMs;
        }
        track.SubjectivelyDown.Clear();
        track.MasterDownSinceMs.Clear();
        track.LastSwitch.Clear();
        track.Failovers.Clear();
        track.DeferredForcedFailovers.Clear();
    }

    public void OnClockJump(SentinelNode sentinel) => Track(sentinel).ClockJumpedAtMs = _world.NowMs;

    /// <summary>compatibility-rules §2.2: a tick more than the trigger after the previous one, or before it, enters TILT; no other tick does.</summary>
    public void OnTick(SentinelNode sentinel, long gapMs, bool tiltExpected, bool tiltSeen)
    {
        if (tiltExpected && !tiltSeen)
        {
            throw Violation("tilt-on-clock-gap", $"{sentinel.Name} ticked {gapMs} ms after its previous tick and did not enter TILT");
        }
        if (!tiltExpected && tiltSeen)
        {
            throw Violation("tilt-on-clock-gap", $"{sentinel.Name} entered TILT on a tick {gapMs} ms after the previous one (no clock gap)");
        }
    }

    // ---------------------------------------------------------------- operator bookkeeping

    public void OnOperatorQuorum(SentinelNode sentinel, string master, int quorum) => Track(sentinel).Quorum[master] = quorum;

    public void OnOperatorFailoverRequested(SentinelNode sentinel, string master) => Track(sentinel).ForcedFailoverRequestedAtMs[master] = _world.NowMs;

    /// <summary>SENTINEL FAILOVER answered OK: in TILT, the forced failover is due on the first tick after TILT.</summary>
    public void OnOperatorFailoverAccepted(SentinelNode sentinel, string master)
    {
        var track = Track(sentinel);
        if (track.InTilt) track.DeferredForcedFailovers.Add(master);
    }

    /// <summary>SENTINEL RESET: the sentinel forgets the master's peers and rediscovers them from hellos.</summary>
    public void OnOperatorReset(SentinelNode sentinel, string master)
    {
        Track(sentinel).LastSwitch.Remove(master); // the recreated replicas carry no mark
        Track(sentinel).PeersForgotten.Add(master);
        Track(sentinel).ResetByOperator.Add(master);
    }

    /// <summary>
    /// SENTINEL REMOVE: the master's epochs start over at 0 if it is monitored again, its vote included — the new
    /// record may vote again in an epoch the old one voted in (as the reference does). That is the operator's
    /// doing, so the vote history of this sentinel for that master is forgotten too.
    /// </summary>
    public void OnOperatorRemoved(SentinelNode sentinel, string master)
    {
        var track = Track(sentinel);
        track.PersistedConfigEpoch.Remove(master);
        track.PersistedLeaderEpoch.Remove(master);
        track.ClientViewEpoch.Remove(master);
        int group = _world.GroupOfMaster(master);
        foreach (var key in _replyVotes.Keys.Where(k => k.Responder == track.RunId && k.Group == group).ToList()) _replyVotes.Remove(key);
        foreach (var (key, ballots) in _votes)
        {
            if (key.Master != master || !ballots.Remove(track.RunId, out string? candidate)) continue;
            // The vote was given and may have been counted already (seed 29114): it still counts for that winner.
            if (!_retiredVotes.TryGetValue(key, out var retired)) _retiredVotes[key] = retired = [];
            retired.Add((track.RunId, candidate));
        }
        track.Failovers.Remove(master);
        track.DeferredForcedFailovers.Remove(master);
        track.SwitchesAtMs.Remove(master); // the new record starts without damping history
        track.LastSwitch.Remove(master);
        track.PeersForgotten.Add(master); // MONITOR starts with no peers or replicas, like RESET
        track.ResetByOperator.Add(master);
        ForgetDown(track, master);
    }

    /// <summary>The sentinel dropped its SDOWN flags for a master's records (reset, switch, removal); answers it gave stay valid a while.</summary>
    private void ForgetDown(SentinelTrack track, string master)
    {
        if (track.SubjectivelyDown.Contains($"master {master} @{master}")) track.MasterDownEndedAtMs[master] = _world.NowMs;
        track.SubjectivelyDown.RemoveWhere(key => key.EndsWith("@" + master, StringComparison.Ordinal));
        track.MasterDownSinceMs.Remove(master);
    }

    /// <summary>Set while a sentinel serves a command about a group, so its +vote-for-leader can be attributed.</summary>
    public void BeginServing(int? group) => _servingGroup = group;

    public void EndServing() => _servingGroup = null;

    // ---------------------------------------------------------------- events

    public void OnEvent(SentinelNode sentinel, string channel, string text)
    {
        Stats.Events++;
        var track = Track(sentinel);
        switch (channel)
        {
            case "+new-epoch":
                long epoch = long.Parse(text, CultureInfo.InvariantCulture);
                RequireUnforgedEpoch(sentinel, epoch, "announced +new-epoch");
                if (epoch <= track.CurrentEpoch)
                {
                    throw Violation("epoch-monotonic", $"{sentinel.Name} announced +new-epoch {epoch} while at epoch {track.CurrentEpoch}");
                }
                track.CurrentEpoch = epoch;
                return;
            case "+tilt":
                Stats.Tilts++;
                track.InTilt = true;
                return;
            case "-tilt":
                track.InTilt = false;
                track.LeftTiltAtMs = _world.NowMs;
                return;
            case "+vote-for-leader":
                OnVote(sentinel, text);
                return;
            case "+failover-damped":
                Stats.FailoversDamped++;
                break;
            case "+fence":
                Stats.Fences++;
                return;
            case "-fence":
                if (text.Contains("still names this master", StringComparison.Ordinal)) OnFenceLifted(sentinel, track, text);
                return;
        }

        if (EventText.Parse(text) is not { } about)
        {
            if (channel == "+switch-master") OnSwitchMaster(sentinel, text);
            return;
        }
        if (track.InTilt && ActingEvents.Contains(channel))
        {
            throw Violation("tilt-freezes-acting", $"{sentinel.Name} emitted {channel} {text} while in TILT");
        }
        switch (channel)
        {
            case "+sdown":
                Stats.SubjectiveDowns++;
                track.SubjectivelyDown.Add(SentinelTrack.DownKey(about));
                if (about.Kind == "master") track.MasterDownSinceMs[about.Name] = _world.NowMs;
                break;
            case "-sdown":
                track.SubjectivelyDown.Remove(SentinelTrack.DownKey(about));
                if (about.Kind == "master")
                {
                    track.MasterDownEndedAtMs[about.Name] = _world.NowMs;
                    track.MasterDownSinceMs.Remove(about.Name);
                }
                break;
            case "+odown":
                Stats.ObjectiveDowns++;
                RequireQuorumSeesDown(sentinel, track, about.Master, "odown-needs-quorum", "flagged ODOWN");
                break;
            case "+sentinel":
                RequireRealSentinel(sentinel, about);
                break;
            case "+slave":
                RequireNodeOfGroup(sentinel, about, channel);
                track.EverListed.Add($"{about.Master} {about.Ip}:{about.Port}");
                break;
            case "+try-failover":
                OnTryFailover(sentinel, track, about.Master);
                break;
            case "+elected-leader":
                OnElected(sentinel, track, about.Master);
                break;
            case "+selected-slave":
                RequireLeader(sentinel, track, about.Master, channel);
                OnSelected(sentinel, track, about);
                break;
            case "+failover-state-send-slaveof-noone":
            case "+failover-state-wait-promotion":
            case "+failover-state-reconf-slaves":
            case "+slave-reconf-sent":
            case "+failover-end":
                RequireLeader(sentinel, track, about.Master, channel);
                break;
            case "+promoted-slave":
                RequireLeader(sentinel, track, about.Master, channel);
                Stats.Promotions++;
                if (track.Failovers.TryGetValue(about.Master, out var attempt)) RecordFailover(about.Master, attempt.Epoch);
                break;
            case "+switchover-replica-caught-up":
                RequireLeader(sentinel, track, about.Master, channel);
                Stats.SwitchoversCaughtUp++;
                if (track.Failovers.TryGetValue(about.Master, out var planned)) RecordCaughtUpSwitchover(about.Master, planned.Epoch);
                break;
            case "-failover-abort-not-elected":
            case "-failover-abort-no-good-slave":
            case "-failover-abort-slave-timeout":
            case "+reset-master":
                if (channel == "-failover-abort-not-elected") Stats.NotElected++;
                if (track.Failovers.Remove(about.Master)) track.FailoverAbortedAtMs[about.Master] = _world.NowMs;
                if (channel == "+reset-master")
                {
                    ForgetDown(track, about.Master);
                    track.DeferredForcedFailovers.Remove(about.Master);
                }
                break;
        }
    }

    /// <summary>
    /// Fencing's safety rests on when the pause is lifted: only while the fenced node is still the group's master.
    /// If a majority of the sentinels had already saved a newer configuration than the lifting sentinel's, the
    /// majority failed over during the cut, and every write the old master takes once unpaused is lost.
    /// </summary>
    private void OnFenceLifted(SentinelNode sentinel, SentinelTrack track, string text)
    {
        Stats.FencesLifted++;
        if (EventText.Parse(text) is not { } about) return;
        long own = track.PersistedConfigEpoch.GetValueOrDefault(about.Master);
        // A newer configuration naming the same address (a failover back to it, or one this sentinel only heard of)
        // still makes the fenced node the group's master: unpausing it is right (seed 10485).
        string fenced = $"{about.Ip}:{about.Port}";
        var newer = _tracks.Where(t => t.PersistedConfigEpoch.GetValueOrDefault(about.Master) > own
                                       && t.PersistedAddress.GetValueOrDefault(about.Master) != fenced).ToList();
        if (2 * newer.Count > _tracks.Length)
        {
            throw Violation("fence-lifted-only-for-the-groups-master",
                $"{sentinel.Name} unpaused {about.Ip}:{about.Port} ({about.Master}, config-epoch {own}) while {newer.Count} of {_tracks.Length} sentinels had saved a newer configuration");
        }
    }

    /// <summary>Events only the acting half may produce (compatibility-rules §2.2: SDOWN/ODOWN freeze, no failover step, no reconfiguration).</summary>
    private static readonly HashSet<string> ActingEvents = new(StringComparer.Ordinal)
    {
        "+sdown", "-sdown", "+odown", "-odown", "+try-failover", "+elected-leader", "+failover-state-select-slave",
        "+selected-slave", "+failover-state-send-slaveof-noone", "+failover-state-wait-promotion", "+promoted-slave",
        "+failover-state-reconf-slaves", "+slave-reconf-sent", "+slave-reconf-sent-be", "+slave-reconf-inprog",
        "+slave-reconf-done", "-slave-reconf-sent-timeout", "+failover-end-for-timeout", "+failover-end",
        "-failover-abort-not-elected", "-failover-abort-no-good-slave", "-failover-abort-slave-timeout",
        "+convert-to-slave", "+fix-slave-config",
    };

    private void OnTryFailover(SentinelNode sentinel, SentinelTrack track, string master)
    {
        Stats.FailoversTried++;
        bool deferred = track.DeferredForcedFailovers.Remove(master) && track.LeftTiltAtMs == _world.NowMs;
        bool forced = deferred
            || (track.ForcedFailoverRequestedAtMs.TryGetValue(master, out long requestedAt) && _world.NowMs - requestedAt <= 2000);
        track.Failovers[master] = new FailoverAttempt(track.CurrentEpoch, forced, _world.NowMs);
        if (forced)
        {
            _forcedEpochs.Add((master, track.CurrentEpoch));
            return;
        }

        // Invariant 3: a failover starts only when at least quorum sentinels see the master down.
        RequireQuorumSeesDown(sentinel, track, master, "failover-needs-quorum", $"started a failover (epoch {track.CurrentEpoch}) of");
        RequireDampedStart(sentinel, track, master);
    }

    /// <summary>
    /// Flap damping (docs/split-brain.md): with n failovers of the master within the damping window (n at most 3), an
    /// automatic failover starts only once the master has been down for down-after × 2^n, that is SDOWN for
    /// down-after × (2^n − 1). Measured in true time: the margin covers clock drift (up to 2%) and tick granularity;
    /// a sentinel whose clock was stepped since the oldest failover counted is not checked.
    /// </summary>
    private void RequireDampedStart(SentinelNode sentinel, SentinelTrack track, string master)
    {
        if (!track.Timing.TryGetValue(master, out var timing) || timing.DampingMs <= 0) return;
        if (!track.SwitchesAtMs.TryGetValue(master, out var switches) || !track.MasterDownSinceMs.TryGetValue(master, out long downSince)) return;
        long now = _world.NowMs;
        var counted = switches.Where(s => now - s.AtMs + RestoredError(track, s) < timing.DampingMs * 97 / 100 - 100).Select(s => s.AtMs).ToList();
        if (counted.Count == 0 || track.ClockJumpedAtMs >= counted.Min()) return;
        int n = Math.Min(counted.Count, 3);
        long required = timing.DownAfterMs * ((1L << n) - 1);
        long downFor = now - downSince;
        if (downFor < required * 97 / 100 - 100)
        {
            throw Violation("failovers-damped",
                $"{sentinel.Name} started a failover of {master} after it was SDOWN for {downFor} ms, with {n} failover(s) in the last {timing.DampingMs} ms: damping needs {required} ms (down-after {timing.DownAfterMs})");
        }
    }

    /// <summary>
    /// How far a restarted core may place a switch another process of it saw: the history is saved as wall-clock
    /// times reckoned from the process's start by its own clock, so the drift the faults give it (up to 2 %) over
    /// the time from that start to the switch moves the restored time by as much.
    /// </summary>
    private static long RestoredError(SentinelTrack track, (long AtMs, long ProcessStartedAtMs) seen) =>
        seen.ProcessStartedAtMs == track.StartedAtMs ? 0 : (seen.AtMs - seen.ProcessStartedAtMs) * 2 / 100;

    /// <summary>
    /// ODOWN and failovers need the sentinel itself to see the master SDOWN and at least quorum sentinels in all
    /// (their answers may be a few seconds old, so one that stopped seeing it down very recently still counts).
    /// </summary>
    private void RequireQuorumSeesDown(SentinelNode sentinel, SentinelTrack track, string master, string invariant, string what)
    {
        string key = $"master {master} @{master}";
        if (!track.SubjectivelyDown.Contains(key))
        {
            throw Violation(invariant, $"{sentinel.Name} {what} {master} without seeing it SDOWN itself");
        }
        int quorum = track.Quorum.GetValueOrDefault(master, 1);
        var seeing = new List<string>();
        foreach (var other in _world.Sentinels)
        {
            var otherTrack = Track(other);
            bool down = otherTrack.SubjectivelyDown.Contains(key)
                || (otherTrack.MasterDownEndedAtMs.TryGetValue(master, out long endedAt) && _world.NowMs - endedAt <= DownAnswerWindowMs);
            if (down) seeing.Add(other.Name);
        }
        if (seeing.Count < quorum)
        {
            throw Violation(invariant, $"{sentinel.Name} {what} {master} with only {seeing.Count} sentinels seeing it down ({string.Join(", ", seeing)}); quorum {quorum}");
        }
    }

    /// <summary>Discovery only ever learns real sentinels, at their real address.</summary>
    private void RequireRealSentinel(SentinelNode sentinel, EventText peer)
    {
        var real = _world.Sentinels.FirstOrDefault(s => s.MyId == peer.Name);
        if (real is null || real.Ip != peer.Ip || real.Port != peer.Port)
        {
            throw Violation("discovery-is-truthful", $"{sentinel.Name} learned sentinel {Short(peer.Name)} at {peer.Ip}:{peer.Port}, which is not a sentinel there");
        }
    }

    /// <summary>Replicas come from INFO: a replica record names a node of the master's own group.</summary>
    private void RequireNodeOfGroup(SentinelNode sentinel, EventText replica, string channel)
    {
        var node = _world.FindRedis(replica.Ip, replica.Port);
        if (node is null || node.Group != _world.GroupOfMaster(replica.Master))
        {
            throw Violation("discovery-is-truthful", $"{sentinel.Name} emitted {channel} for {replica.Ip}:{replica.Port} under {replica.Master}, which is not a node of that group");
        }
    }

    private void OnElected(SentinelNode sentinel, SentinelTrack track, string master)
    {
        Stats.Elections++;
        if (!track.Failovers.TryGetValue(master, out var attempt))
        {
            throw Violation("leader-needs-majority", $"{sentinel.Name} claimed +elected-leader for {master} without having started a failover");
        }
        attempt.Elected = true;
        if (attempt.Forced) return;

        // The voters are the sentinels the leader knows (compatibility-rules §6, as in the reference). A sentinel that started without
        // every peer in its state, or that the operator made forget them (RESET, REMOVE then MONITOR), knows fewer
        // than the group until it has heard their hellos: cut off from them, it wins alone with quorum 1 (seeds 1031,
        // 9708). The core waits three hello periods after such a start or reset; nothing short of a configured group
        // size could do more. Such an election is held to the majority of the voters it knew, and binds no other
        // winner of the epoch.
        int groupSize = _world.Sentinels.Count;
        int voters = groupSize;
        if (track.PeersForgotten.Contains(master) && track.KnownSentinels.TryGetValue(master, out int knownPeers))
        {
            voters = Math.Min(groupSize, knownPeers + 1);
        }

        // Invariant 1: one winner per master and epoch.
        var key = (master, attempt.Epoch);
        if (voters < groupSize) _minorityEpochs.Add(key); // another winner, and another configuration, may exist (seed 41300)
        if (voters == groupSize)
        {
            if (_winners.TryGetValue(key, out string? winner) && winner != track.RunId && !VotesWereRecast(key))
            {
                throw Violation("one-leader-per-epoch", $"{sentinel.Name} ({Short(track.RunId)}) and {Short(winner)} both won the election for {master} in epoch {attempt.Epoch}");
            }
            _winners[key] = track.RunId;
        }

        // Invariant 3: elected by a majority of the voters (the whole group unless forgotten, see above) and quorum.
        var supporters = new HashSet<string>(StringComparer.Ordinal);
        if (_votes.TryGetValue(key, out var ballots))
        {
            foreach (var (voter, candidate) in ballots)
            {
                if (candidate.Equals(track.RunId, StringComparison.OrdinalIgnoreCase)) supporters.Add(voter);
            }
        }
        if (_retiredVotes.TryGetValue(key, out var retiredBallots))
        {
            foreach (var (voter, candidate) in retiredBallots)
            {
                if (candidate.Equals(track.RunId, StringComparison.OrdinalIgnoreCase)) supporters.Add(voter);
            }
        }
        int votes = supporters.Count;
        int quorum = track.Quorum.GetValueOrDefault(master, 1);
        int needed = Math.Max(voters / 2 + 1, quorum);
        if (votes < needed)
        {
            throw Violation("leader-needs-majority",
                $"{sentinel.Name} was elected leader for {master} in epoch {attempt.Epoch} with {votes} votes; a majority of {voters} voters (group of {groupSize}, quorum {quorum}) needs {needed}");
        }
    }

    private void RequireLeader(SentinelNode sentinel, SentinelTrack track, string master, string channel)
    {
        if (track.Failovers.TryGetValue(master, out var attempt) && (attempt.Elected || attempt.Forced)) return;
        throw Violation("leader-needs-majority", $"{sentinel.Name} emitted {channel} for {master} without being the elected leader of a running failover");
    }

    /// <summary>Invariant 4: never a priority-0 replica, a down one, or one of another group.</summary>
    private void OnSelected(SentinelNode sentinel, SentinelTrack track, EventText replica)
    {
        var node = _world.FindRedis(replica.Ip, replica.Port);
        int group = _world.GroupOfMaster(replica.Master);
        if (node is null || node.Group != group)
        {
            throw Violation("promote-eligible-only", $"{sentinel.Name} selected {replica.Name} for {replica.Master}, which is not a node of that group");
        }
        if (node.Priority == 0)
        {
            throw Violation("promote-eligible-only", $"{sentinel.Name} selected {node.Name} (replica-priority 0) for {replica.Master}");
        }
        if (track.SubjectivelyDown.Contains(SentinelTrack.DownKey(replica)))
        {
            throw Violation("promote-eligible-only", $"{sentinel.Name} selected {node.Name} for {replica.Master} while it flags it SDOWN");
        }
        // compatibility-rules §7.3: a valid PING answer within five PING periods (measured on the sentinel's clock, which may drift).
        long window = 5 * _world.Scenario.PingPeriodMs * 105 / 100 + 50;
        long silentMs = sentinel.LastValidPongAtMs.TryGetValue(node, out long lastPong) ? _world.NowMs - lastPong : long.MaxValue;
        if (silentMs > window)
        {
            throw Violation("promote-eligible-only",
                $"{sentinel.Name} selected {node.Name} for {replica.Master}, which has not answered its PING for {(silentMs == long.MaxValue ? "ever" : $"{silentMs} ms")} (running={node.Running}, frozen={node.IsFrozen})");
        }
    }

    /// <summary>A node is told SLAVEOF NO ONE (by a sentinel's transaction).</summary>
    public void OnPromotion(RedisNode node, SimConnection connection)
    {
        if (connection.Client is not SentinelNode sentinel) return;
        _promotedAtMs[node.Name] = _world.NowMs;
        if (node.Priority == 0)
        {
            throw Violation("promote-eligible-only", $"{sentinel.Name} sent SLAVEOF NO ONE to {node.Name}, which has replica-priority 0");
        }
        _world.Trace.Add(_world.NowMs, node.Name, $"promoted by {sentinel.Name}");
    }

    private void OnSwitchMaster(SentinelNode sentinel, string text)
    {
        Stats.SwitchMasters++;
        var words = text.Split(' ');
        if (words.Length != 5 || !int.TryParse(words[4], out int port)) return;
        int group = _world.GroupOfMaster(words[0]);
        var node = _world.FindRedis(words[3], port);
        if (node is null || node.Group != group)
        {
            throw Violation("promote-eligible-only", $"{sentinel.Name} switched {words[0]} to {words[3]}:{port}, which is not a node of that group");
        }
        var track = Track(sentinel);
        RecordFailover(words[0], track.CurrentEpoch);
        // The switch recreates the master's records (as a reset does), none of them SDOWN.
        ForgetDown(track, words[0]);
        string from = $"{words[1]}:{words[2]}", to = $"{words[3]}:{words[4]}";
        if (from == to) return;
        if (!track.SwitchesAtMs.TryGetValue(words[0], out var switches)) track.SwitchesAtMs[words[0]] = switches = [];
        switches.Add((_world.NowMs, track.StartedAtMs));
        track.LastSwitch[words[0]] = (from, to, _world.NowMs, track.CurrentEpoch);
    }

    private void RecordFailover(string master, long epoch) => RecordEpoch(FailoverEpochsByGroup, master, epoch);

    private void RecordCaughtUpSwitchover(string master, long epoch) => RecordEpoch(CaughtUpSwitchoverEpochsByGroup, master, epoch);

    private void RecordEpoch(Dictionary<int, HashSet<long>> byGroup, string master, long epoch)
    {
        int group = _world.GroupOfMaster(master);
        if (group < 0) return;
        if (!byGroup.TryGetValue(group, out var epochs)) byGroup[group] = epochs = [];
        epochs.Add(epoch);
    }

    // ---------------------------------------------------------------- demotion after a heal

    /// <summary>
    /// How soon after the heal an old master must be a replica: the sentinel's link comes back (a reconnection waits
    /// up to a PING period, a racing connect 250 ms), its INFO is due (up to an INFO period), then one round trip
    /// for the SLAVEOF, with room for slow links. The reference's way (the role reported for 4 publish periods first,
    /// no SDOWN of the node within them) takes longer.
    /// </summary>
    public long DemotionBoundMs => _world.Scenario.InfoPeriodMs + 2 * _world.Scenario.PingPeriodMs + 2000;

    /// <summary>
    /// Fast demotion (docs/split-brain.md): a node still a master <see cref="DemotionBoundMs"/> after the heal, which
    /// a running sentinel moved its master away from (and which nobody promoted since), is a stale master the group
    /// replaced: that sentinel sends it SLAVEOF as soon as it reports role:master. Checked for sentinels that ran
    /// throughout (a restart loses the mark), outside TILT since before the heal, neither seeing their master down nor
    /// running a newer failover since the heal; and for nodes that ran and were done loading before the heal.
    /// </summary>
    public void CheckStaleMastersDemoted(long healedAtMs)
    {
        foreach (var node in _world.Redis)
        {
            if (!node.IsMaster || !node.IsHealthy || node.StartedAtMs >= healedAtMs || node.LoadingUntilMs > healedAtMs) continue;
            string address = $"{node.Ip}:{node.Port}";
            string master = _world.Scenario.MasterNames[node.Group];
            long promotedAt = _promotedAtMs.GetValueOrDefault(node.Name, -1);
            foreach (var sentinel in _world.Sentinels)
            {
                var track = Track(sentinel);
                if (!sentinel.Running || sentinel.Paused || track.StartedAtMs >= healedAtMs || track.InTilt || track.LeftTiltAtMs >= healedAtMs) continue;
                if (!track.LastSwitch.TryGetValue(master, out var latest) || latest.From != address || promotedAt > latest.AtMs) continue;
                // A failover after the heal (peers still saw the master down for a moment) made the node stale only then;
                // its demotion is the convergence check's to wait for, not this bound's (seed 802602).
                if (latest.AtMs >= healedAtMs) continue;
                // A newer election since the switch may have promoted the node: the core then waits for it (Convergence).
                if (track.CurrentEpoch > latest.Epoch) continue;
                // Convergence waits while the sentinel sees its master down or runs a failover of it: counted from the heal,
                // the bound holds only for sentinels neither of which held up after the heal.
                if (track.SubjectivelyDown.Contains($"master {master} @{master}") || track.MasterDownEndedAtMs.GetValueOrDefault(master) > healedAtMs) continue;
                if (track.Failovers.TryGetValue(master, out var attempt) && attempt.StartedAtMs > latest.AtMs) continue;
                if (track.FailoverAbortedAtMs.GetValueOrDefault(master) > healedAtMs) continue;
                throw Violation("stale-master-demoted-after-heal",
                    $"{node.Name} ({address}) is still a master {_world.NowMs - healedAtMs} ms after the heal, though {sentinel.Name} moved {master} from it to {latest.To} at {latest.AtMs} ms");
            }
        }
    }

    // ---------------------------------------------------------------- votes

    /// <summary>Invariant 1: each sentinel votes at most once per master and epoch.</summary>
    private void OnVote(SentinelNode sentinel, string text)
    {
        Stats.Votes++;
        var track = Track(sentinel);
        var words = text.Split(' ');
        if (words.Length != 2 || !long.TryParse(words[1], out long epoch)) return;
        if (!_world.Sentinels.Any(s => s.MyId.Equals(words[0], StringComparison.OrdinalIgnoreCase)))
        {
            throw Violation("forged-hellos-move-nothing", $"{sentinel.Name} voted for {Short(words[0])}, which is no sentinel of the world, in epoch {epoch}");
        }
        string? master = _servingGroup is { } group ? _world.Scenario.MasterNames[group] : null;
        if (master is null)
        {
            foreach (var (name, attempt) in track.Failovers)
            {
                if (attempt.Epoch == epoch) master = name;
            }
        }
        if (master is null) return;
        var key = (master, epoch);
        if (!_votes.TryGetValue(key, out var ballots)) _votes[key] = ballots = new(StringComparer.Ordinal);
        if (ballots.TryGetValue(track.RunId, out string? earlier) && !earlier.Equals(words[0], StringComparison.OrdinalIgnoreCase))
        {
            throw Violation("one-vote-per-epoch", $"{sentinel.Name} voted for {Short(earlier)} and then for {Short(words[0])} for {master} in epoch {epoch}");
        }
        ballots[track.RunId] = words[0];
    }

    /// <summary>A sentinel answered a SENTINEL command from a peer or a client.</summary>
    public void OnSentinelReply(SentinelNode sentinel, string[] args, RespValue reply)
    {
        if (args.Length != 6 || !args[1].Equals("is-master-down-by-addr", StringComparison.OrdinalIgnoreCase)) return;
        if (reply is not RespArray { Items: [RespInteger down, RespBulkString leader, RespInteger epoch] }) return;
        Stats.VoteReplies++;
        var track = Track(sentinel);
        if (down.Value == 1 && track.InTilt)
        {
            throw Violation("tilt-freezes-acting", $"{sentinel.Name} answered 'master down' to is-master-down-by-addr while in TILT");
        }
        if (!int.TryParse(args[3], out int port) || _world.FindRedis(args[2], port) is not { } node) return;
        string master = _world.Scenario.MasterNames[node.Group];
        if (down.Value == 1 && !track.SubjectivelyDown.Contains($"master {master} @{master}"))
        {
            throw Violation("odown-needs-quorum", $"{sentinel.Name} answered 'master down' for {master} without flagging it SDOWN");
        }
        if (leader.Text == "*") return;
        var key = (track.RunId, node.Group, epoch.Value);
        if (_replyVotes.TryGetValue(key, out string? earlier) && !earlier.Equals(leader.Text, StringComparison.OrdinalIgnoreCase))
        {
            throw Violation("one-vote-per-epoch",
                $"{sentinel.Name} answered is-master-down-by-addr with a vote for {Short(earlier)} and later for {Short(leader.Text)} in epoch {epoch.Value} ({master})");
        }
        _replyVotes[key] = leader.Text;
    }

    /// <summary>
    /// SENTINEL REMOVE then MONITOR gives the sentinel a fresh record that may vote again in an epoch the old record
    /// voted in (as in the reference): such an epoch can have two winners (seed 40012), and two configurations.
    /// </summary>
    private bool VotesWereRecast((string Master, long Epoch) key) => _retiredVotes.ContainsKey(key);

    /// <summary>A scripted candidate outside the group collected a majority: it counts as a winner of that epoch.</summary>
    public void OnForeignWinner(string candidate, string master, long epoch)
    {
        var key = (master, epoch);
        if (_winners.TryGetValue(key, out string? winner) && winner != candidate && !VotesWereRecast(key))
        {
            throw Violation("one-leader-per-epoch", $"scripted candidate {Short(candidate)} and {Short(winner)} both collected a majority for {master} in epoch {epoch}");
        }
        _winners[key] = candidate;
    }

    // ---------------------------------------------------------------- epochs and configurations

    /// <summary>Invariant 2 from the saved state: epochs never go back; one address per master and config epoch.</summary>
    public void OnPersist(SentinelNode sentinel, SentinelState state)
    {
        Stats.Persists++;
        var track = Track(sentinel);
        if (state.CurrentEpoch < track.PersistedCurrentEpoch)
        {
            throw Violation("epoch-monotonic", $"{sentinel.Name} saved current-epoch {state.CurrentEpoch} after {track.PersistedCurrentEpoch}");
        }
        track.PersistedCurrentEpoch = state.CurrentEpoch;
        RequireUnforgedEpoch(sentinel, state.CurrentEpoch, "saved current-epoch");
        foreach (var master in state.Masters)
        {
            foreach (var peer in master.KnownSentinels)
            {
                var real = _world.Sentinels.FirstOrDefault(s => s.MyId == peer.RunId);
                if (real is null || real.Ip != peer.Host || real.Port != peer.Port)
                {
                    throw Violation("forged-hellos-move-nothing",
                        $"{sentinel.Name} saved sentinel {Short(peer.RunId)} at {peer.Host}:{peer.Port} for {master.Name}, which is not a sentinel there");
                }
            }
            if (master.ConfigEpoch > state.CurrentEpoch || master.LeaderEpoch > state.CurrentEpoch)
            {
                throw Violation("epoch-monotonic",
                    $"{sentinel.Name} saved {master.Name} with config-epoch {master.ConfigEpoch} / leader-epoch {master.LeaderEpoch} above current-epoch {state.CurrentEpoch}");
            }
            if (track.PersistedConfigEpoch.TryGetValue(master.Name, out long before) && master.ConfigEpoch < before)
            {
                throw Violation("epoch-monotonic", $"{sentinel.Name} saved config-epoch {master.ConfigEpoch} for {master.Name} after {before}");
            }
            track.PersistedConfigEpoch[master.Name] = master.ConfigEpoch;
            // A master known by name is saved by name; hellos and replies give its IP.
            string savedAddress = $"{_world.Names.Canonical(master.Address.Host)}:{master.Address.Port}";
            track.PersistedAddress[master.Name] = savedAddress;
            track.Timing[master.Name] = (master.Settings.DownAfterMs, master.Settings.FailoverDampingMs);
            track.KnownSentinels[master.Name] = master.KnownSentinels.Count;
            if (track.PersistedLeaderEpoch.TryGetValue(master.Name, out long voted) && master.LeaderEpoch < voted)
            {
                throw Violation("one-vote-per-epoch", $"{sentinel.Name} saved leader-epoch {master.LeaderEpoch} for {master.Name} after {voted}: it could vote twice");
            }
            track.PersistedLeaderEpoch[master.Name] = Math.Max(voted, master.LeaderEpoch);
            RegisterConfig(sentinel.Name, master.Name, master.ConfigEpoch, savedAddress);
        }
    }

    /// <summary>A hello payload on the wire: the config it announces obeys the same rules.</summary>
    public void OnHelloSeen(string payload, string where)
    {
        if (_forgedHellos.Contains(payload)) return;
        Stats.HellosChecked++;
        var fields = payload.Split(',');
        if (fields.Length != 8) return;
        if (!long.TryParse(fields[3], out long currentEpoch) || !long.TryParse(fields[7], out long configEpoch)) return;
        if (configEpoch > currentEpoch)
        {
            throw Violation("epoch-monotonic", $"hello ({where}) announces config-epoch {configEpoch} above its current-epoch {currentEpoch}: {payload}");
        }
        // Every hello on the wire comes from one of our sentinels: it must say who it is, and name a real master.
        var sender = _world.Sentinels.FirstOrDefault(s => s.MyId == fields[2]);
        int group = _world.GroupOfMaster(fields[4]);
        bool addressOk = int.TryParse(fields[6], out int port) && _world.FindRedis(fields[5], port) is { } node && node.Group == group;
        if (sender is null || sender.Ip != fields[0] || sender.Port.ToString(CultureInfo.InvariantCulture) != fields[1] || group < 0 || !addressOk)
        {
            throw Violation("discovery-is-truthful", $"hello ({where}) misstates its sender or master: {payload}");
        }
        // Epoch 0 registers nothing (see RegisterConfig); most hellos of a fleet carry it, so their texts are not built.
        if (configEpoch >= 1) RegisterConfig($"hello from {Short(fields[2])} ({where})", fields[4], configEpoch, $"{fields[5]}:{fields[6]}");
    }

    /// <summary>The attacker is about to send this hello: it states nothing true, so it is not held to the rules above.</summary>
    public void OnForgedHello(string payload) => _forgedHellos.Add(payload);

    /// <summary>A sentinel gave its vote to a run id that only the attacker uses.</summary>
    public void OnForgedVote(int sentinelHost, string runId) =>
        throw Violation("forged-hellos-move-nothing", $"{_world.Network.HostNames[sentinelHost]} voted for the invented run id {Short(runId)}");

    private static void RequireUnforgedEpoch(SentinelNode sentinel, long epoch, string what)
    {
        if (epoch >= ForgedEpochFloor)
        {
            throw Violation("forged-hellos-move-nothing", $"{sentinel.Name} {what} {epoch}: an epoch only a forged hello announces");
        }
    }

    /// <summary>What a sentinel tells clients (GET-MASTER-ADDR-BY-NAME with SENTINEL MASTER's config-epoch).</summary>
    public void OnClientView(SentinelNode sentinel, string master, long configEpoch, string address)
    {
        var track = Track(sentinel);
        if (track.ClientViewEpoch.TryGetValue(master, out long before) && configEpoch < before)
        {
            throw Violation("epoch-monotonic", $"{sentinel.Name} answered config-epoch {configEpoch} for {master} after answering {before}");
        }
        track.ClientViewEpoch[master] = configEpoch;
        RegisterConfig(sentinel.Name, master, configEpoch, address);
    }

    private void RegisterConfig(string who, string master, long configEpoch, string address)
    {
        if (configEpoch < 1) return; // epoch 0 is the operator's configuration, not a failover's
        var key = (master, configEpoch);
        // SENTINEL FAILOVER acts without any agreement (as in the reference): a sentinel cut off from the group takes
        // its own current epoch + 1, which the group may have used already (seed 423: an operator's failover in a
        // minority partition reused the epoch the majority had just failed over in). Only agreement could prevent
        // it, and the reference's forced failover asks for none; such an epoch binds nobody.
        if (_forcedEpochs.Contains(key) || _minorityEpochs.Contains(key) || VotesWereRecast(key)) return;
        // A master known by a name whose lookup failed at the sentinel's start has no IP until a lookup succeeds: the
        // reference reports it as ":port" too. An address not known says nothing against the one known (seed 351).
        if (address.StartsWith(':')) return;
        if (_configAddresses.TryGetValue(key, out string? known))
        {
            if (known != address)
            {
                throw Violation("one-config-per-epoch", $"{who} holds {master} at {address} with config-epoch {configEpoch}, another view has {known}");
            }
            return;
        }
        _configAddresses[key] = address;
    }

    private static string Short(string runId) => runId.Length > 8 ? runId[..8] : runId;
}
