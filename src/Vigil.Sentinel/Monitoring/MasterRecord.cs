using Vigil.Sentinel.Failover;
using Vigil.Sentinel.Links;
using Vigil.Sentinel.State;

namespace Vigil.Sentinel.Monitoring;

/// <summary>A monitored master: its settings, its replicas and peers, detection and election state.</summary>
internal sealed class MasterRecord(string name, InstanceAddress address, InstanceLink link, MasterSettings settings, long nowMs)
    : DataNodeRecord(name, address, link, nowMs)
{
    public override InstanceKind Kind => InstanceKind.Master;
    public override MasterRecord OwningMaster => this;

    public MasterSettings Settings { get; set; } = settings;

    /// <summary>The config file's lines for this master (null if it was added with SENTINEL MONITOR).</summary>
    public ConfigBaseline? ConfigBaseline { get; set; }

    /// <summary>Replicas by name (announced host:port), in discovery order.</summary>
    public OrderedDictionary<string, ReplicaRecord> Replicas { get; } = new(StringComparer.Ordinal);

    /// <summary>Admitted peer sentinels by run id, in admission order: the only ones that count.</summary>
    public OrderedDictionary<string, PeerRecord> Peers { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// How many of <see cref="Peers"/> have a run id sorting before ours: our rank among the master's sentinels, which
    /// places our probes in its slot (<c>PeriodicCommands.PhaseMs</c>). Recounted whenever <see cref="Peers"/> changes,
    /// not on every due time: a master's due times are computed after every input about it.
    /// </summary>
    public int PeersBeforeUs { get; private set; }

    public void RecountPeersBefore(string myId)
    {
        int before = 0;
        foreach (var runId in Peers.Keys)
        {
            if (Election.RunIdOrder.SortsBefore(runId, myId)) before++;
        }
        PeersBeforeUs = before;
    }

    /// <summary>
    /// Sentinels named in hellos and being checked (run id and address, see <c>PeerAdmission.ClaimKey</c>); at most
    /// <see cref="Limits.MaxPeerClaimsPerMaster"/>.
    /// </summary>
    public OrderedDictionary<string, PeerRecord> PeerClaims { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// When this sentinel started (or restarted, or was RESET into) monitoring the master: peers are still being
    /// discovered until hellos have had time to arrive.
    /// </summary>
    public long MonitoringStartedAtMs { get; set; } = nowMs;

    public bool IsObjectivelyDown { get; set; }
    public long ObjectivelyDownSinceMs { get; set; }

    /// <summary>The master restarted (new run id) and <c>master-reboot-down-after-period</c> is on; cleared by PONG.</summary>
    public bool RebootDetected { get; set; }
    public long RebootDetectedAtMs { get; set; }

    /// <summary>Epoch of the configuration in force (raised by a won failover or a newer hello).</summary>
    public long ConfigEpoch { get; set; }

    /// <summary>
    /// The configuration in force came from our own SENTINEL FAILOVER. It had no agreement, so its epoch may be one the
    /// group already used (we were cut off when the operator asked): it yields to a peer's configuration of the same
    /// epoch (see <c>ConfigAdoption</c>).
    /// </summary>
    public bool ConfigEpochForced { get; set; }

    /// <summary>This sentinel's vote for this master: the run id voted for and the epoch of the vote.</summary>
    public string? Leader { get; set; }
    public long LeaderEpoch { get; set; }

    /// <summary>The failover under way for this master, if any (the failover state machine drives it).</summary>
    public FailoverRun? Failover { get; set; }

    public bool FailoverInProgress => Failover is not null;
    public bool ForceFailover => Failover?.Forced ?? false;
    public bool CoordinatedFailover => Failover?.Coordinated ?? false;
    public FailoverState FailoverState => Failover?.State ?? FailoverState.None;
    public long FailoverEpoch => Failover?.Epoch ?? 0;
    public long FailoverStateChangedAtMs => Failover?.StateChangedAtMs ?? 0;
    public ReplicaRecord? PromotedReplica => Failover?.PromotedReplica;

    /// <summary>SENTINEL FAILOVER arrived in TILT: it starts on the first tick after TILT (coordinated or not).</summary>
    public bool ForcedFailoverDeferred { get; set; }
    public bool DeferredFailoverCoordinated { get; set; }

    /// <summary>Start of the last failover attempt, or of the block a vote for someone else imposes.</summary>
    public long FailoverStartedAtMs { get; set; }

    /// <summary>
    /// ODOWN and no back-off: the failover waits since this time (0 = not waiting) for the election slots of the
    /// peers before us, plus <see cref="FailoverStartJitterMs"/>. The random part keeps sentinels that see ODOWN at
    /// the same instant from asking for votes at the same instant; the slots are counted again while it waits.
    /// </summary>
    public long FailoverWaitSinceMs { get; set; }
    public long FailoverStartJitterMs { get; set; }

    /// <summary>The back-off end already logged ("Next failover delay"), so it is logged once per attempt.</summary>
    public long FailoverDelayLoggedForMs { get; set; }

    /// <summary>
    /// A peer asked us whether the master is down while it is SDOWN here (a sentinel asks only once it sees the master
    /// SDOWN itself): the peers whose last answer said "not down" are asked again at the next tick, not an ask period
    /// later (see <c>PeerQueries.Ask</c>).
    /// </summary>
    public bool AskBackRequested { get; set; }

    /// <summary>When a peer's question last made us ask the peers again (see <c>Limits.AskBackMinIntervalMs</c>).</summary>
    public long LastAskBackAtMs { get; set; } = long.MinValue / 2;

    /// <summary>An input arrived that may let the failover move on: step it at the next tick.</summary>
    public bool FailoverStepRequested { get; set; }

    /// <summary>The planned switchover under way for a SENTINEL FAILOVER with a reachable master, if any.</summary>
    public Switchover? Switchover { get; set; }

    /// <summary>Write fencing of this master while cut off from the majority (see <c>WriteFence</c>).</summary>
    public Fencing.FenceState Fence { get; set; } = new();

    /// <summary>
    /// Time of the last INFO from this master that listed an online replica with a recent acknowledgement; equal to
    /// <see cref="DataNodeRecord.InfoRefreshedAtMs"/> when the latest INFO did.
    /// </summary>
    public long ReplicasAcknowledgedAtMs { get; set; }

    /// <summary>The same for an INFO in which every listed replica acknowledged recently (and at least one is listed).</summary>
    public long AllReplicasAcknowledgedAtMs { get; set; }

    /// <summary>When this master's recent failovers (switches to a new address) happened, for flap damping.</summary>
    public List<long> SwitchedAtMs { get; } = [];

    /// <summary>The SDOWN start for which a damped failover was already announced (once per outage).</summary>
    public long DampingAnnouncedForMs { get; set; }

    /// <summary>The layout warnings (their kinds) already published for this master.</summary>
    public HashSet<string> LayoutWarningsAnnounced { get; } = new(StringComparer.Ordinal);

    /// <summary>The layout the announced warnings were judged on; null until judged.</summary>
    public Layout.MasterLayout? LayoutChecked { get; set; }

    /// <summary>The hello last sent about this master and its text, sent again as long as nothing in it changed.</summary>
    public (Discovery.HelloMessage Hello, string Text)? LastHelloSent { get; set; }

    /// <summary>A newer configuration a peer announced, being checked before it is adopted.</summary>
    public Discovery.PendingAdoption? PendingAdoption { get; set; }

    /// <summary>
    /// The address clients should use: the promoted replica's once this sentinel's failover reached
    /// reconf_slaves, the record's address otherwise.
    /// </summary>
    public InstanceAddress CurrentAddress => PromotionDone ? PromotedReplica!.Address : Address;

    /// <summary>Our failover promoted a replica (reconf_slaves or later): it is the master now, the record's address is not.</summary>
    public bool PromotionDone => FailoverInProgress && PromotedReplica is not null && FailoverState >= FailoverState.ReconfSlaves;
}
