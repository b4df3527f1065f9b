using Vigil.Sentinel.Links;

namespace Vigil.Sentinel.Monitoring;

/// <summary>Another sentinel watching the same master, named by its run id.</summary>
internal sealed class PeerRecord(string runId, InstanceAddress address, InstanceLink link, MasterRecord master, long nowMs)
    : InstanceRecord(runId, address, link)
{
    public override InstanceKind Kind => InstanceKind.Sentinel;
    public override MasterRecord OwningMaster => Master;
    public MasterRecord Master { get; } = master;

    public long LastHelloReceivedAtMs { get; set; } = nowMs;

    /// <summary>
    /// Counted (voter, confirmer, listed, saved): we reached its announced address and it answered as this run id
    /// and as a watcher of this master. False while the record is only a claim under <see cref="MasterRecord.PeerClaims"/>.
    /// </summary>
    public bool IsAdmitted { get; set; }

    /// <summary>When the hello that made this claim arrived.</summary>
    public long ClaimedAtMs { get; } = nowMs;

    /// <summary>The claim's checks passed so far: SENTINEL MYID named its run id; it watches the master.</summary>
    public bool AnsweredAsRunId { get; set; }
    public bool AnsweredAsWatcher { get; set; }

    /// <summary>
    /// When the question behind the last well-formed is-master-down-by-addr answer was sent (creation time before
    /// any): an answer's age counts from its question.
    /// </summary>
    public long LastMasterDownReplyAtMs { get; set; } = nowMs;
    public bool AskInFlight { get; set; }
    public long LastAskSentAtMs { get; set; }

    /// <summary>
    /// A peer's question prompted an ask-back while our question to this peer was still out: if its answer says "not
    /// down", this peer is asked again at once (the answer may predate the peer's own SDOWN).
    /// </summary>
    public bool AskBackAfterAnswer { get; set; }

    /// <summary>
    /// Whether the last answer is young enough to count (compatibility-rules §5.2: five ask periods). Checked where answers are counted,
    /// not only where they are expired: the expiry runs with the questions, which TILT suspends.
    /// </summary>
    public bool AnswerIsFresh(long nowMs, long askPeriodMs) =>
        nowMs - LastMasterDownReplyAtMs <= Limits.PeerAnswerValidityAskPeriods * askPeriodMs;

    /// <summary>The peer's last answer said the master is down (the <c>master_down</c> flag).</summary>
    public bool SaysMasterDown { get; set; }

    /// <summary>The peer's vote as it reported it, and the epoch of that vote.</summary>
    public string? Leader { get; set; }
    public long LeaderEpoch { get; set; }
}
