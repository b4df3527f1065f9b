using Vigil.Resp;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.State;

namespace Vigil.Sentinel;

/// <summary>
/// The one way out of the core: effects queued for the host, log lines filtered by the loglevel in force, the
/// requests to save the state, what waits for a save to be confirmed, and the simulated crash after which nothing
/// more comes out.
/// </summary>
/// <remarks>
/// A vote, a raised epoch or a configuration change must be on disk before anyone hears of it: a sentinel that
/// announced a vote and restarted without it could vote again in the same epoch. So the effects of an input that
/// asked for such a save (the vote's reply, requests and hellos at the new epoch, the reply of the command that made
/// the change) are held, with everything after them so that order is kept, until <see cref="StateSaved"/> confirms
/// that save. Saves of discovered replicas and peers promise nothing to anyone and hold nothing back.
/// </remarks>
internal sealed class EffectQueue(CoreSettings settings, Func<SentinelState> snapshot)
{
    private readonly Queue<Effect> _out = new();
    private readonly List<Effect> _staged = [];
    private readonly Queue<HeldEffect> _held = new();
    private long _lastSaveSeq;
    private long _confirmedSeq;
    private long _awaitedSeq;
    private long _reportedReplyId = -1;

    /// <summary>Set by anything the reference would answer with a config rewrite; flushed once per input.</summary>
    public bool PersistRequested { get; private set; }

    /// <summary>A simulated crash happened: the process is gone as far as anyone can tell, so nothing more comes out.</summary>
    public bool Crashed { get; private set; }

    /// <summary>SIMULATE-FAILURE flags: 1 = crash after election, 2 = crash after promotion.</summary>
    public int SimulateFailureFlags { get; set; }

    /// <summary>Queues an effect of the input being handled; it leaves when the input is done (<see cref="FlushPersist"/>).</summary>
    public void Emit(Effect effect)
    {
        Activity++;
        LastActivity = effect;
        if (!Crashed) _staged.Add(effect);
    }

    /// <summary>
    /// Counts everything the core has done that anyone could notice: effects, log lines (also those the loglevel
    /// filters out) and save requests. A tick that leaves it unchanged did nothing for the records it visited.
    /// </summary>
    public long Activity { get; private set; }

    /// <summary>What <see cref="Activity"/> last counted (an effect, a log line, a save request): for the message of a broken rule.</summary>
    public object? LastActivity { get; private set; }

    public bool TryDequeue(out Effect effect) => _out.TryDequeue(out effect!);

    /// <summary>Logs <paramref name="message"/> if the configured loglevel lets it through.</summary>
    public void Log(LogLevel level, string message)
    {
        Activity++;
        LastActivity = message;
        if (level >= settings.Wide.LogLevel && level != LogLevel.Nothing) Emit(new Log(level, message));
    }

    /// <summary>A vote, an epoch or the configuration changed: saved with this input, and what it causes waits for the save.</summary>
    public void RequestPersist()
    {
        Activity++;
        LastActivity = "save";
        PersistRequested = true;
    }

    /// <summary>
    /// Saves for a command whose reply says whether the save worked: its <c>+OK</c> (queued with
    /// <see cref="EmitReply"/>) becomes <c>-ERR Failed to save config file. Check server logs.</c> if the host reports
    /// the save failed, as the reference answers.
    /// </summary>
    public void RequestReportedPersist(long requestId)
    {
        RequestPersist();
        _reportedReplyId = requestId;
    }

    /// <summary>Queues the reply to a client request (see <see cref="RequestReportedPersist"/>).</summary>
    public void EmitReply(long requestId, RespValue reply)
    {
        bool reports = _reportedReplyId == requestId && ReferenceEquals(reply, RespValue.Ok);
        _reportedReplyId = -1;
        Emit(reports ? new ReportedReply(requestId) : new Reply(requestId, reply));
    }

    /// <summary>
    /// A discovered replica or peer is worth saving but promises nothing to anyone (it is found again after a restart):
    /// saved at a bounded rate (<see cref="Limits.DiscoverySaveWindowMs"/>). Votes, epochs and configuration use
    /// <see cref="RequestPersist"/> and are saved with the input that changed them.
    /// </summary>
    public bool DiscoveryPersistRequested { get; private set; }

    /// <inheritdoc cref="DiscoveryPersistRequested"/>
    public void RequestDiscoveryPersist()
    {
        Activity++;
        LastActivity = "discovery save";
        DiscoveryPersistRequested = true;
    }

    private long _discoveryWindowStartMs = long.MinValue / 2;
    private int _discoverySavesInWindow;

    /// <summary>When a deferred discovery save is due (the end of the current window); MaxValue when none waits.</summary>
    public long DiscoverySaveDueAt() =>
        DiscoveryPersistRequested ? _discoveryWindowStartMs + Limits.DiscoverySaveWindowMs : long.MaxValue;

    /// <summary>
    /// Ends an input: queues the one save for whatever asked for it (a discovery save only while the window at
    /// <paramref name="nowMs"/> has room, otherwise it waits for <see cref="DiscoverySaveDueAt"/>), then lets the
    /// input's effects out, or holds them behind the save they depend on. A confirmed save
    /// (<paramref name="discoveryAllowed"/> false) takes no deferred discovery save: those wait for their window's tick.
    /// </summary>
    public void FlushPersist(long nowMs, bool discoveryAllowed = true)
    {
        if (PersistRequested || (discoveryAllowed && DiscoveryPersistRequested && DiscoverySaveAllowed(nowMs)))
        {
            if (PersistRequested) _awaitedSeq = _lastSaveSeq + 1;
            QueueSave();
        }
        ReleaseStaged();
    }

    /// <summary>Effects wait for a save to be confirmed: what the last inputs sent has not left yet.</summary>
    public bool HoldsBack => _held.Count > 0 || _awaitedSeq > _confirmedSeq;

    /// <summary>The host confirmed the saves up to <see cref="StateSaved.Seq"/>: what waited for them leaves, in order.</summary>
    public void OnSaved(StateSaved saved)
    {
        Invariants.Check(saved.Seq <= _lastSaveSeq, $"StateSaved {saved.Seq} answers no save asked for (last {_lastSaveSeq})");
        if (saved.Seq <= _confirmedSeq) return;
        _confirmedSeq = saved.Seq;
        while (_held.TryPeek(out var held) && held.AwaitedSeq <= _confirmedSeq)
        {
            _held.Dequeue();
            _out.Enqueue(held.Effect is ReportedReply reported
                ? new Reply(reported.RequestId, saved.Ok ? RespValue.Ok : Commands.Errors.SaveFailed)
                : held.Effect);
        }
    }

    private void QueueSave()
    {
        PersistRequested = false;
        DiscoveryPersistRequested = false;
        _out.Enqueue(new PersistState(snapshot(), ++_lastSaveSeq));
    }

    private void ReleaseStaged()
    {
        bool waiting = HoldsBack;
        foreach (var effect in _staged)
        {
            if (waiting) _held.Enqueue(new HeldEffect(_awaitedSeq, effect));
            else if (effect is ReportedReply reported) _out.Enqueue(new Reply(reported.RequestId, RespValue.Ok));
            else _out.Enqueue(effect);
        }
        _staged.Clear();
    }

    /// <summary>A discovery save may be taken now (and is counted); otherwise it waits for the next window.</summary>
    private bool DiscoverySaveAllowed(long nowMs)
    {
        if (nowMs >= _discoveryWindowStartMs + Limits.DiscoverySaveWindowMs)
        {
            _discoveryWindowStartMs = nowMs;
            _discoverySavesInWindow = 0;
        }
        if (_discoverySavesInWindow >= Limits.DiscoverySavesPerWindow) return false;
        _discoverySavesInWindow++;
        return true;
    }

    /// <summary>An answer given after <see cref="Crashed"/>, when nothing else comes out any more.</summary>
    public void AnswerAfterCrash(Effect answer) => _out.Enqueue(answer);

    /// <summary>
    /// SENTINEL SIMULATE-FAILURE: the state is saved first (like the reference, the promotion is on disk before the
    /// crash), then the process exits with 99 and the core ignores every later input. What still waited for a save
    /// dies with the process.
    /// </summary>
    public void Crash()
    {
        const string reason = "Sentinel CRASH because of SENTINEL simulate-failure";
        Log(LogLevel.Warning, reason);
        ReleaseStaged();
        QueueSave();
        _out.Enqueue(new Exit(99, reason));
        Crashed = true;
    }

    /// <summary>A reply of <c>+OK</c> whose text depends on how the save it reports went (never leaves the core).</summary>
    private sealed record ReportedReply(long RequestId) : Effect;

    private readonly record struct HeldEffect(long AwaitedSeq, Effect Effect);
}
