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
    /// When the question behind the last well-formed is-master-down-by-addr answer was asked (creation time before
    /// any): the answer is at least that fresh.
    /// </summary>
    public long LastMasterDownReplyAtMs { get; set; } = nowMs;
    public bool AskInFlight { get; set; }
    public long LastAskSentAtMs { get; set; }

    /// <summary>
    /// Whether the last answer is young enough to count (§5.2: five ask periods). Checked where answers are counted,
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
