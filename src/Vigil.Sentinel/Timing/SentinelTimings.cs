namespace Vigil.Sentinel;

/// <summary>
/// The periods and timeouts that <c>SENTINEL DEBUG</c> can read and change, per core (the reference keeps them
/// in process-wide statics). All in milliseconds, all strictly positive.
/// </summary>
internal sealed class SentinelTimings
{
    public long InfoPeriodMs { get; set; } = 10000;
    public long PingPeriodMs { get; set; } = 1000;
    public long AskPeriodMs { get; set; } = 1000;
    public long PublishPeriodMs { get; set; } = 2000;
    public long DefaultDownAfterMs { get; set; } = 30000;
    public long DefaultFailoverTimeoutMs { get; set; } = 180000;
    public long TiltTriggerMs { get; set; } = 2000;
    public long TiltPeriodMs { get; set; } = 30000;
    public long SlaveReconfTimeoutMs { get; set; } = 10000;
    public long MinLinkReconnectPeriodMs { get; set; } = 15000;
    public long ElectionTimeoutMs { get; set; } = 10000;
    public long ScriptMaxRuntimeMs { get; set; } = 60000;
    public long ScriptRetryDelayMs { get; set; } = 30000;

    /// <summary>INFO period for replicas whose master is failing, or whose replication link is down.</summary>
    public const long FastInfoPeriodMs = 1000;

    /// <summary>
    /// The <c>SENTINEL DEBUG</c> table: option name (as typed, lower case), name shown in the listing, accessors.
    /// Order is the listing order of the reference.
    /// </summary>
    internal static readonly IReadOnlyList<DebugParameter> Parameters =
    [
        new("info-period", "INFO-PERIOD", t => t.InfoPeriodMs, (t, v) => t.InfoPeriodMs = v),
        new("ping-period", "PING-PERIOD", t => t.PingPeriodMs, (t, v) => t.PingPeriodMs = v),
        new("ask-period", "ASK-PERIOD", t => t.AskPeriodMs, (t, v) => t.AskPeriodMs = v),
        new("publish-period", "PUBLISH-PERIOD", t => t.PublishPeriodMs, (t, v) => t.PublishPeriodMs = v),
        new("default-down-after", "DEFAULT-DOWN-AFTER", t => t.DefaultDownAfterMs, (t, v) => t.DefaultDownAfterMs = v),
        new("default-failover-timeout", "DEFAULT-FAILOVER-TIMEOUT", t => t.DefaultFailoverTimeoutMs, (t, v) => t.DefaultFailoverTimeoutMs = v),
        new("tilt-trigger", "TILT-TRIGGER", t => t.TiltTriggerMs, (t, v) => t.TiltTriggerMs = v),
        new("tilt-period", "TILT-PERIOD", t => t.TiltPeriodMs, (t, v) => t.TiltPeriodMs = v),
        new("slave-reconf-timeout", "SLAVE-RECONF-TIMEOUT", t => t.SlaveReconfTimeoutMs, (t, v) => t.SlaveReconfTimeoutMs = v),
        new("min-link-reconnect-period", "MIN-LINK-RECONNECT-PERIOD", t => t.MinLinkReconnectPeriodMs, (t, v) => t.MinLinkReconnectPeriodMs = v),
        new("election-timeout", "ELECTION-TIMEOUT", t => t.ElectionTimeoutMs, (t, v) => t.ElectionTimeoutMs = v),
        new("script-max-runtime", "SCRIPT-MAX-RUNTIME", t => t.ScriptMaxRuntimeMs, (t, v) => t.ScriptMaxRuntimeMs = v),
        new("script-retry-delay", "SCRIPT-RETRY-DELAY", t => t.ScriptRetryDelayMs, (t, v) => t.ScriptRetryDelayMs = v),
    ];
}

internal sealed record DebugParameter(string Option, string DisplayName, Func<SentinelTimings, long> Get, Action<SentinelTimings, long> Set);
