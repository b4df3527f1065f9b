namespace Vigil.Sentinel;

/// <summary>Fixed bounds and constants of the protocol; each sits next to a note on what it bounds.</summary>
internal static class Limits
{
    /// <summary>
    /// Masters are pinged up to this many times per ping period: the reference pings once a period, which adds up to
    /// a period to the time a frozen master is noticed. How often within that bound follows down-after
    /// (<see cref="DetectionSlotsPerDownAfter"/>); replicas keep one PING per period.
    /// </summary>
    public const int MasterPingsPerPeriodAtMost = 4;

    /// <summary>
    /// A master's ping period is at most this fraction of its down-after (within the bound above): what a freeze
    /// may add to down-after before it is noticed stays an eighth of it or less, while a master with the default
    /// 30 s costs no more PINGs than the reference's one a second.
    /// </summary>
    public const int DetectionSlotsPerDownAfter = 8;

    /// <summary>Peer sentinels are pinged this many times per ping period: the write fence's view of the majority.</summary>
    public const int PeerPingsPerPeriod = 4;

    /// <summary>Periodic commands (PING, INFO, hello) are skipped while this many × link refcount replies are owed.</summary>
    public const int MaxPendingCommandsPerRef = 100;

    /// <summary>
    /// Replicas and peer sentinels remembered per master. Real groups have a handful; the bound keeps a flood of
    /// forged hellos or INFO lines from growing memory (and the voter base) without end.
    /// </summary>
    public const int MaxReplicasPerMaster = 1024;
    public const int MaxPeersPerMaster = 1024;

    /// <summary>
    /// Write fencing: the lease of one <c>CLIENT PAUSE ... WRITE</c> and how often it is renewed. Short, so that a
    /// fencing sentinel that dies or is itself cut from the master leaves the master paused for at most a lease.
    /// </summary>
    public const long FenceLeaseMs = 2000;
    public const long FenceRenewMs = 500;

    /// <summary>
    /// A peer's answer naming the fenced master counts this long: a peer may move to a new master at any moment, so
    /// the fence is lifted only on answers all given within the last second; peers are asked again meanwhile.
    /// </summary>
    public const long FenceConfirmValidityMs = 1000;

    /// <summary>
    /// A fence lifts on the majority's confirmations only once they have held, uncontradicted, this long: a hello
    /// period, so that a newer configuration spreading through hellos reaches the confirming peers first.
    /// </summary>
    public const long FenceLiftHoldMs = 2000;

    /// <summary>While contact with the majority is lost, the master's INFO is asked this often (its replicas' lag).</summary>
    public const long FenceInfoPeriodMs = 100;

    /// <summary>
    /// A replica has acknowledged recently when the master reports it online with <c>lag</c> at most this many
    /// seconds. Replicas acknowledge once a second and Redis reports the lag in whole seconds, so 0 and 1 are normal.
    /// </summary>
    public const int FenceReplicaLagLimitSeconds = 1;

    /// <summary>Lower bound of the window after which an unanswered PING means a peer is out of contact.</summary>
    public const long FenceMinContactWindowMs = 100;

    /// <summary>
    /// The acknowledgement probe (see <c>Fencing/WriteFence</c>): once a PING to a majority of the peers has gone
    /// unanswered this long, the master is asked with <c>WAIT 1</c> whether any replica still acknowledges, at most
    /// <see cref="FenceProbeTimeoutMs"/> each time and again every <see cref="FenceProbeIntervalMs"/> while the
    /// doubt lasts. A healthy round trip between sentinels is a few milliseconds, so 150 ms is already a doubt.
    /// </summary>
    public const long FenceDoubtMs = 150;
    public const long FenceProbeTimeoutMs = 200;
    public const long FenceProbeIntervalMs = 250;

    /// <summary>A probe whose answer has not come this long after it was sent is given up (the link dropped it).</summary>
    public const long FenceProbeGiveUpMs = 2000;

    /// <summary>
    /// The channel the probe publishes on before its <c>WAIT</c>: nobody subscribes to it; the PUBLISH only gives the
    /// sentinel's connection a replication offset for the replicas to acknowledge.
    /// </summary>
    public const string FenceProbeChannel = "__sentinel__:fence-probe";

    /// <summary>Flap damping: each recent failover doubles the time a master must be down, at most this many times.</summary>
    public const int DampingMaxDoublings = 3;

    /// <summary>Run ids and this sentinel's id are this many hex characters.</summary>
    public const int RunIdLength = 40;

    /// <summary>
    /// The shortest gap between two rounds of is-master-down questions that peers' own questions prompt (see
    /// <c>MasterRecord.AskBackRequested</c>): bounds the questions a stream of such prompts can cause.
    /// </summary>
    public const long AskBackMinIntervalMs = 100;

    /// <summary>Peer answers to is-master-down-by-addr expire after this many ask periods.</summary>
    public const int PeerAnswerValidityAskPeriods = 5;

    /// <summary>A master reporting role:slave is SDOWN after down-after plus this many INFO periods.</summary>
    public const int MasterReportsReplicaInfoPeriods = 2;

    /// <summary>
    /// No automatic failover starts within this many publish periods of starting to monitor a master (first start,
    /// restart, SENTINEL RESET). Until every peer's hello has had time to arrive, the voters we know may be a minority
    /// of the group, and a majority of too few voters can elect a second leader (the reference has no such wait).
    /// </summary>
    public const int DiscoveryPublishPeriods = 4;

    /// <summary>
    /// Upper bound of the random offset added to failover start times (ms), as the reference does: it spreads the
    /// election timeouts and the retry back-off of the sentinels apart. It does not delay the attempt itself.
    /// </summary>
    public const int MaxFailoverDesyncMs = 1000;

    /// <summary>
    /// Between ODOWN and +try-failover a sentinel waits this long per live peer whose run id sorts before its own,
    /// plus up to a quarter of it at random; a candidate that waited for such peers opens its own vote as many slots
    /// after its requests left. It must exceed a vote request's one-way trip plus a host's scheduling delay.
    /// </summary>
    public const long ElectionSlotMs = 100;

    /// <summary>How often a candidate whose own vote waits for a save to leave looks whether it has.</summary>
    public const long SelfVotePollMs = 5;

    /// <summary>Event texts are cut to this many bytes (the reference's log buffer minus its terminator).</summary>
    public const int MaxEventTextBytes = 1023;

    /// <summary>Default replica priority until INFO says otherwise.</summary>
    public const int DefaultReplicaPriority = 100;

    /// <summary>
    /// After an error reply to INFO or to the hello PUBLISH, wait this long before asking again. The reference
    /// re-sends every tick (about ten times a second); once a second is enough to notice recovery.
    /// </summary>
    public const long RetryAfterErrorReplyMs = 1000;

    /// <summary>The longest the host may sleep between ticks; keeps TILT detection meaningful.</summary>
    public const long MaxTickIntervalMs = 1000;

    /// <summary>
    /// How long SENTINEL MOVE-MASTER waits for the node's INFO before refusing (checked at ticks, so the refusal may
    /// come up to <see cref="MaxTickIntervalMs"/> later). A migration pauses writes around the move: short.
    /// </summary>
    public const long MoveTargetCheckMs = 2000;

    /// <summary>
    /// Saves for discovered replicas and peers: at most <see cref="DiscoverySavesPerWindow"/> at once per window of
    /// <see cref="DiscoverySaveWindowMs"/>, later ones together at the end of the window. Discovering a fleet at
    /// start-up finds thousands one after another; saving the whole state after each took most of the loop's time
    /// (bench/README.md, scenario 5).
    /// </summary>
    public const long DiscoverySaveWindowMs = 1000;

    /// <inheritdoc cref="DiscoverySaveWindowMs"/>
    public const int DiscoverySavesPerWindow = 10;

    /// <summary>The shortest gap between two ticks, so a rule that stays due can never spin the host.</summary>
    public const long MinTickIntervalMs = 1;

    /// <summary>Scripts (compatibility-rules §12): running at once, queued in all, attempts per job, argv slots (path included).</summary>
    public const int MaxRunningScripts = 16;
    public const int MaxQueuedScripts = 256;
    public const int MaxScriptAttempts = 10;
    public const int MaxScriptArgs = 16;

    /// <summary>A replica reporting role:master is converted only after this many publish periods (compatibility-rules §8.3).</summary>
    public const int ConvertToReplicaWaitPublishPeriods = 4;

    /// <summary>"Master looks sane" needs an INFO younger than this many INFO periods (compatibility-rules §8.3).</summary>
    public const int SaneMasterInfoPeriods = 2;

    /// <summary>
    /// Replica selection windows (compatibility-rules §7.3): a valid PING reply within this many ping periods; INFO within this many
    /// ping periods while the master is SDOWN (replicas are then polled every second), else this many INFO
    /// periods; replication link down for at most this many down-after periods (plus the master's SDOWN time).
    /// </summary>
    public const int SelectionPingPeriods = 5;
    public const int SelectionInfoPeriods = 3;
    public const int SelectionLinkDownPeriods = 10;

    /// <summary>
    /// Planned switchover (SENTINEL FAILOVER with a reachable master): the old master is paused for writes this
    /// long at most; the chosen replica must reach the paused master's offset within the catch-up limit (well inside
    /// the pause, so promotion and the old master's demotion still happen while writes are held) and is polled with
    /// INFO this often meanwhile.
    /// </summary>
    public const long SwitchoverPauseMs = 10000;
    public const long SwitchoverCatchUpMs = 5000;
    public const long SwitchoverPollMs = 100;

    /// <summary>
    /// During a failover, a replica told SLAVEOF (NO ONE or the promoted replica) is polled with INFO this often until
    /// its INFO shows the step done: +promoted-slave, +slave-reconf-inprog/done and so +switch-master come within this
    /// of the replica's change rather than at the next INFO period (1 s). Only a failover's few replicas, only then.
    /// </summary>
    public const long ReconfPollMs = 100;

    /// <summary>
    /// A claimed newer configuration (hello) waits this long at most for the confirmations it needs; a later hello
    /// with the same claim starts a new check.
    /// </summary>
    public const long AdoptionCheckMs = 5000;

    /// <summary>
    /// Sentinels named in hellos but not admitted yet (see <c>PeerAdmission</c>), per master. Each costs one
    /// connection attempt; a flood of invented names beyond this is ignored until the pending ones are settled.
    /// </summary>
    public const int MaxPeerClaimsPerMaster = 16;

    /// <summary>A claimed sentinel must be reached and answer as its run id within this time, or the claim is dropped.</summary>
    public const long PeerClaimCheckMs = 5000;

    /// <summary>
    /// The largest step by which an epoch announced by a peer (hello current-epoch and config-epoch, the epoch of a
    /// vote request) may exceed our current epoch. A group raises the epoch by one per failover attempt of one of its
    /// sentinels; a million attempts at one a second would take eleven days, so a larger step is no real history but a
    /// forged or corrupt number (a single such step could otherwise bring the epoch within reach of wrapping).
    /// </summary>
    public const long MaxEpochJump = 1_000_000;


    /// <summary>
    /// How long an answer to <see cref="ResolveHostname"/> counts as current. The reference resolves every time it
    /// makes an address, so a reconnect to a down instance (once per PING period) and a command naming a host wait
    /// for an answer younger than this; other uses take the latest answer and ask again when it is older.
    /// </summary>
    public const long HostnameAnswerTtlMs = 1000;

    /// <summary>A <see cref="ResolveHostname"/> unanswered for this long is asked again (hosts answer every one; this only keeps a lost answer from stalling a link).</summary>
    public const long HostnameAskTimeoutMs = 10_000;

    /// <summary>Hostnames whose latest answer is kept; beyond this the oldest answer is forgotten.</summary>
    public const int MaxHostnamesKnown = 4096;

    /// <summary>SENTINEL commands waiting for a hostname's answer; more are answered as if the name did not resolve.</summary>
    public const int MaxRequestsAwaitingHostnames = 1024;
}
