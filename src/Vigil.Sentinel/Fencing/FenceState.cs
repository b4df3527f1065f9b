namespace Vigil.Sentinel.Fencing;

/// <summary>Where write fencing stands for one master (see <see cref="WriteFence"/>).</summary>
internal sealed class FenceState
{
    /// <summary>When contact with the majority was found lost (0 = in contact): the master's INFO is polled fast from then.</summary>
    public long ContactLostSinceMs { get; set; }

    /// <summary>When a PING to a majority of the peers went unanswered for <c>Limits.FenceDoubtMs</c> (0 = no doubt).</summary>
    public long DoubtSinceMs { get; set; }

    /// <summary>The acknowledgement probe: when the last one was sent, whether its answer is owed.</summary>
    public long ProbeSentAtMs { get; set; }
    public bool ProbeInFlight { get; set; }

    /// <summary>The last probe answered (null: none yet).</summary>
    public ProbeAnswer? LastProbe { get; set; }

    /// <summary>The master refused the probe (an ACL without WAIT, say): only its INFO tells, as before.</summary>
    public bool ProbeRefused { get; set; }

    /// <summary>The master's writes are paused by us, renewed while the conditions hold.</summary>
    public bool Engaged { get; set; }
    public long EngagedAtMs { get; set; }
    public long LastPauseSentAtMs { get; set; }

    /// <summary>Peers asked GET-MASTER-ADDR-BY-NAME while fenced, whose answer is still owed, and when they were asked.</summary>
    public Dictionary<string, long> AskedAtMs { get; } = new(StringComparer.Ordinal);

    /// <summary>Peers whose last answer named this master's address, and when it came.</summary>
    public Dictionary<string, long> ConfirmedAtMs { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// When a peer last answered with another address than the fenced master's (0 = never): some sentinel already
    /// follows a newer configuration, which may reach the confirming peers at any moment, so no confirmation lifts
    /// the fence for <c>Limits.FenceConfirmValidityMs</c> after that.
    /// </summary>
    public long DeniedAtMs { get; set; }

    /// <summary>The confirmations count now: none is contradicted by a recent denial.</summary>
    public IReadOnlySet<string> UncontradictedConfirmations(long nowMs) =>
        DeniedAtMs != 0 && nowMs - DeniedAtMs <= Limits.FenceConfirmValidityMs ? new HashSet<string>() : RecentlyConfirmed(nowMs);

    /// <summary>A majority confirms (lifts the fence once held for a hello period).</summary>
    public HeldCondition MajorityConfirms { get; } = new();

    /// <summary>Every known peer confirms, while fewer than the quorum are known (lifts it once held for a failover timeout).</summary>
    public HeldCondition AllKnownConfirm { get; } = new();

    /// <summary>The peers whose confirmation is recent enough to count now (see <c>Limits.FenceConfirmValidityMs</c>).</summary>
    private IReadOnlySet<string> RecentlyConfirmed(long nowMs) =>
        ConfirmedAtMs.Where(c => nowMs - c.Value <= Limits.FenceConfirmValidityMs).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// An input about the master arrived while the fence is engaged or in doubt: the fence's conditions follow the
    /// master's and the peers' state, so it is checked at the next tick rather than at its next timer.
    /// </summary>
    public bool CheckRequested { get; set; }

    /// <summary>The master refused CLIENT PAUSE WRITE (Redis older than 6.2): fencing is off for it.</summary>
    public bool Refused { get; set; }
}
