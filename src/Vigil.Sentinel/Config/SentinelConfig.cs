namespace Vigil.Sentinel.Config;

/// <summary>
/// Everything a sentinel.conf (plus command-line overrides) says, typed. Produced by
/// <see cref="ConfigFileParser"/>; read by the host (listener, logging, security) and by the core
/// (masters and their settings, sentinel-wide options, legacy state lines).
/// </summary>
public sealed record SentinelConfig
{
    public const int DefaultPort = 26379;

    /// <summary>Path of the file this came from (absolute), or null for a config built in code.</summary>
    public string? SourcePath { get; init; }

    public ServerOptions Server { get; init; } = new();
    public SentinelOptions Sentinel { get; init; } = new();

    /// <summary>
    /// "file:line: directive" for each accepted line of a redis-server setting that has no effect in sentinel
    /// mode (see <c>ServerDirective.NoEffect</c>), in the order read.
    /// </summary>
    public IReadOnlyList<string> NoEffectLines { get; init; } = [];

    /// <summary>"file:line: directive" for each line tuning redis-server's own runtime (see <c>ServerDirective.RuntimeTuning</c>).</summary>
    public IReadOnlyList<string> RuntimeTuningLines { get; init; } = [];

    /// <summary>Masters in file order. Names are case-sensitive and unique.</summary>
    public IReadOnlyList<MasterConfig> Masters { get; init; } = [];
}

public enum LogLevel { Debug = 0, Verbose = 1, Notice = 2, Warning = 3, Nothing = 4 }

/// <summary>The <c>supervised</c> directive: how the process tells a supervisor it is ready.</summary>
public enum SupervisedMode { No = 0, Upstart = 1, Systemd = 2, Auto = 3 }

/// <summary>redis.conf directives that matter to a sentinel's own server (listener, clients, logs).</summary>
public sealed record ServerOptions
{
    public int Port { get; init; } = SentinelConfig.DefaultPort;
    /// <summary>Empty means the Redis default (all interfaces: <c>* -::*</c>).</summary>
    public IReadOnlyList<string> Bind { get; init; } = [];
    /// <summary><c>bind ""</c>: no TCP listener at all (Redis then serves only <see cref="UnixSocket"/>).</summary>
    public bool TcpListenerDisabled { get; init; }
    public string? UnixSocket { get; init; }
    /// <summary><c>unixsocketperm</c>, an octal mode in the file; 0 = leave the umask's result.</summary>
    public int UnixSocketPerm { get; init; }
    public string? BindSourceAddr { get; init; }
    public bool ProtectedMode { get; init; }
    public bool Daemonize { get; init; }
    public string? PidFile { get; init; }
    /// <summary>Empty = stdout.</summary>
    public string LogFile { get; init; } = "";
    public LogLevel LogLevel { get; init; } = LogLevel.Notice;
    public bool SyslogEnabled { get; init; }
    public string SyslogIdent { get; init; } = "redis";
    /// <summary>One of <c>user</c>, <c>local0</c> … <c>local7</c>, lower case.</summary>
    public string SyslogFacility { get; init; } = "local0";
    public SupervisedMode Supervised { get; init; } = SupervisedMode.No;
    public string Dir { get; init; } = ".";
    public string? RequirePass { get; init; }
    /// <summary>ACL rules of each <c>user</c> line, e.g. ["default", "on", "nopass", "~*", "+@all"].</summary>
    public IReadOnlyList<IReadOnlyList<string>> Users { get; init; } = [];
    public string? AclFile { get; init; }
    public int AclLogMaxLen { get; init; } = 128;
    /// <summary><c>acl-pubsub-default allchannels</c>: new users may use every channel (7.0's default is <c>resetchannels</c>).</summary>
    public bool AclPubsubAllChannels { get; init; }
    /// <summary><c>tcp-backlog</c>: the listen queue of every TCP listener (the kernel caps it at somaxconn).</summary>
    public int TcpBacklog { get; init; } = 511;
    /// <summary><c>oom-score-adj</c>: <c>no</c>, <c>relative</c> or <c>absolute</c> (<c>yes</c> is read as relative, as in Redis).</summary>
    public string OomScoreAdj { get; init; } = "no";
    /// <summary>The first of <c>oom-score-adj-values</c>: the one a sentinel (never a replica, never forking) uses.</summary>
    public int OomScoreAdjValue { get; init; }
    /// <summary><c>crash-log-enabled</c>: an unexpected exception that ends the process is written to the log first.</summary>
    public bool CrashLogEnabled { get; init; } = true;
    public int MaxClients { get; init; } = 10000;
    public int TimeoutSeconds { get; init; }
    public int TcpKeepaliveSeconds { get; init; } = 300;
    public long ProtoMaxBulkLen { get; init; } = 512L * 1024 * 1024;
    /// <summary><c>hz</c> clamped to 1..500 as Redis does; a sentinel re-randomises its own timer anyway.</summary>
    public int Hz { get; init; } = 10;
    /// <summary>Renames of this sentinel's own commands; an empty new name disables the command.</summary>
    public IReadOnlyDictionary<string, string> RenameCommands { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    /// <summary>pubsub class of <c>client-output-buffer-limit</c>: hard bytes, soft bytes, soft seconds.</summary>
    public OutputBufferLimit PubSubOutputBufferLimit { get; init; } = new(32L * 1024 * 1024, 8L * 1024 * 1024, 60);
    public OutputBufferLimit NormalOutputBufferLimit { get; init; } = new(0, 0, 0);
    /// <summary>replica (alias slave) class: parsed and kept, a sentinel has no replica clients.</summary>
    public OutputBufferLimit ReplicaOutputBufferLimit { get; init; } = new(256L * 1024 * 1024, 64L * 1024 * 1024, 60);
    public TlsOptions Tls { get; init; } = new();
    /// <summary>Vigil's own <c>vigil-http</c>: where the metrics and dashboard endpoint listens; null = off.</summary>
    public HttpEndpointAddress? HttpEndpoint { get; init; }
    /// <summary>Vigil's own <c>vigil-http-token-file</c>: a file holding the bearer token the endpoint requires.</summary>
    public string? HttpTokenFile { get; init; }
    /// <summary>
    /// Vigil's own <c>vigil-state-file</c>: where the learned state is kept (relative paths from <c>dir</c>, like
    /// <c>logfile</c>); null = beside the config file, <c>&lt;config&gt;.state.json</c>.
    /// </summary>
    public string? StateFile { get; init; }
}

public sealed record OutputBufferLimit(long HardLimitBytes, long SoftLimitBytes, int SoftSeconds);

/// <summary>
/// The TLS directives Vigil honours (docs/tls.md). Lines it cannot honour with .NET's TLS stack are refused
/// while the file is read, so they have no field here.
/// </summary>
public sealed record TlsOptions
{
    public int TlsPort { get; init; }
    /// <summary>Links to monitored Redis instances and to peer sentinels speak TLS (both, as in the reference).</summary>
    public bool TlsReplication { get; init; }
    public string? CertFile { get; init; }
    public string? KeyFile { get; init; }
    public string? KeyFilePass { get; init; }
    public string? ClientCertFile { get; init; }
    public string? ClientKeyFile { get; init; }
    public string? ClientKeyFilePass { get; init; }
    public string? CaCertFile { get; init; }
    public string? CaCertDir { get; init; }
    /// <summary><c>no</c>, <c>yes</c> or <c>optional</c> (lower case); null = the Redis default, <c>yes</c>.</summary>
    public string? AuthClients { get; init; }

    /// <summary>True when the reference would set up TLS at start: a TLS port, or TLS links.</summary>
    public bool Enabled => TlsPort != 0 || TlsReplication;
    public bool SessionCaching { get; init; } = true;
    public string? Protocols { get; init; }
    public string? Ciphers { get; init; }
    public string? CipherSuites { get; init; }
}

/// <summary>Sentinel-wide <c>sentinel ...</c> directives (not tied to one master).</summary>
public sealed record SentinelOptions
{
    public string? AnnounceIp { get; init; }
    public int AnnouncePort { get; init; }
    public bool DenyScriptsReconfig { get; init; } = true;
    public bool ResolveHostnames { get; init; }
    public bool AnnounceHostnames { get; init; }
    public string? SentinelUser { get; init; }
    public string? SentinelPass { get; init; }
    /// <summary>Legacy state line <c>sentinel myid</c>: 40 hex chars.</summary>
    public string? MyId { get; init; }
    /// <summary>Legacy state line <c>sentinel current-epoch</c> (max of all seen, raised by config-epoch lines).</summary>
    public long CurrentEpoch { get; init; }
}

/// <summary>One <c>sentinel monitor</c> group and every per-master directive that names it.</summary>
public sealed record MasterConfig
{
    public const int DefaultDownAfterMs = 30000;
    public const int DefaultFailoverTimeoutMs = 180000;
    public const long DefaultFailoverDampingMs = 60000;

    public required string Name { get; init; }
    public required string Host { get; init; }
    public required int Port { get; init; }
    public required int Quorum { get; init; }
    public long DownAfterMs { get; init; } = DefaultDownAfterMs;
    public long FailoverTimeoutMs { get; init; } = DefaultFailoverTimeoutMs;
    public int ParallelSyncs { get; init; } = 1;
    public long MasterRebootDownAfterPeriodMs { get; init; }
    /// <summary><c>sentinel fence-writes</c> (Vigil only): pause the master's writes when cut off with it.</summary>
    public bool FenceWrites { get; init; } = true;
    /// <summary><c>sentinel failover-damping</c> (Vigil only): the flap-damping window, 0 = off.</summary>
    public long FailoverDampingMs { get; init; } = DefaultFailoverDampingMs;
    public string? NotificationScript { get; init; }
    public string? ClientReconfigScript { get; init; }
    public string? AuthPass { get; init; }
    public string? AuthUser { get; init; }
    /// <summary>Renames applied to commands sent to this master's instances.</summary>
    public IReadOnlyDictionary<string, string> RenameCommands { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    // Legacy state lines (what the reference writes into sentinel.conf); read for compatibility.
    public long ConfigEpoch { get; init; }
    public long LeaderEpoch { get; init; }
    public IReadOnlyList<KnownReplica> KnownReplicas { get; init; } = [];
    public IReadOnlyList<KnownSentinel> KnownSentinels { get; init; } = [];
}

public sealed record KnownReplica(string Host, int Port);

public sealed record KnownSentinel(string Host, int Port, string RunId);
