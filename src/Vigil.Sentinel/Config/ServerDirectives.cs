using System.Globalization;
using Vigil.Sentinel.Text;

namespace Vigil.Sentinel.Config;

/// <summary>
/// Every directive redis.conf 7.0 knows, with the reference's value checks and error texts. Rows with
/// a store action feed <see cref="SentinelConfig"/>; the others are checked and then ignored, so a file
/// written for redis-sentinel loads here and a file it refuses is refused here too.
/// </summary>
/// <remarks>
/// Names, aliases, bounds and value sets are those of Redis 7.0's config table. A name containing a
/// dot is a module option and is handled by the loader, not by this table.
/// </remarks>
internal static class ServerDirectives
{
    /// <summary>Most addresses one <c>bind</c> line may carry (the reference's CONFIG_BINDADDR_MAX).</summary>
    public const int MaxBindAddresses = 16;

    /// <summary>Longest hostname <c>cluster-announce-hostname</c> accepts, exclusive.</summary>
    private const int MaxHostnameLength = 256;

    private const string BadCount = "wrong number of arguments";

    private static readonly string[] SupervisedModes = ["upstart", "systemd", "auto", "no"];
    private static readonly string[] SyslogFacilities = ["user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"];
    private static readonly string[] ReplDisklessLoad = ["disabled", "on-empty-db", "swapdb"];
    private static readonly string[] MaxMemoryPolicies = ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"];
    private static readonly string[] AofFsync = ["everysec", "always", "no"];
    private static readonly string[] OomScoreAdj = ["no", "yes", "relative", "absolute"];
    private static readonly string[] AclPubsubDefault = ["allchannels", "resetchannels"];
    private static readonly string[] SanitizeDumpPayload = ["no", "yes", "clients"];
    private static readonly string[] ProtectedAction = ["no", "yes", "local"];
    private static readonly string[] EndpointTypes = ["ip", "hostname", "unknown-endpoint"];
    private static readonly string[] PropagationErrorBehavior = ["ignore", "panic", "panic-on-replicas"];
    private static readonly string[] ShutdownOnSignal = ["default", "save", "nosave", "now", "force"];
    private static readonly string[] TlsAuthClients = ["no", "yes", "optional"];

    /// <summary>Event class letters <c>notify-keyspace-events</c> accepts.</summary>
    private const string KeyspaceEventClasses = "Ag$lshzxeKEtmdn";

    /// <summary>Directive table by lower-case name (aliases included).</summary>
    public static IReadOnlyDictionary<string, ServerDirective> ByName { get; } = BuildTable();

    private static Dictionary<string, ServerDirective> BuildTable()
    {
        var table = new Dictionary<string, ServerDirective>(StringComparer.Ordinal);
        void Add(ServerDirective directive, string? alias = null)
        {
            table.Add(directive.Name, directive);
            if (alias is not null) table.Add(alias, directive with { Name = alias });
        }

        // Statements: not configs, so a wrong word count is a "Bad directive".
        Add(Statement("include", 1, 1, static (l, v) => l.Include(v[0])));
        Add(Statement("rename-command", 2, 2, static (l, v) => l.Draft.RenameServerCommand(v[0], v[1])));
        Add(Statement("user", 1, int.MaxValue, static (l, v) =>
        {
            // ACL rules are kept as words for the host's ACL layer; the reference checks them there too.
            l.Draft.Users.Add([.. v]);
            return null;
        }));
        Add(Statement("loadmodule", 1, int.MaxValue, static (_, _) => null) with { NoEffect = true }); // modules cannot load into Vigil; inert
        Add(Statement("sentinel", 0, int.MaxValue, static (l, v) =>
        {
            // A bare "sentinel" only selects sentinel mode.
            if (v.Count > 0) l.QueueSentinelLine(v);
            return null;
        }));
        // Removed in 7.0 but still accepted with one value.
        Add(Statement("list-max-ziplist-entries", 1, 1, static (_, _) => null) with { NoEffect = true });
        Add(Statement("list-max-ziplist-value", 1, 1, static (_, _) => null) with { NoEffect = true });
        Add(Statement("lua-replicate-commands", 1, 1, static (_, _) => null) with { NoEffect = true });

        // Yes/no configs.
        Add(Flag("rdbchecksum"));
        Add(Flag("daemonize", static (d, v) => d.Server = d.Server with { Daemonize = v }));
        Add(Tuning(Flag("io-threads-do-reads")));
        Add(OnlyDefault(Flag("always-show-logo"), "no", "Vigil prints no ASCII-art logo"));
        Add(Flag("protected-mode", static (d, v) => d.Server = d.Server with { ProtectedMode = v }));
        Add(Flag("rdbcompression"));
        Add(Flag("rdb-del-sync-files"));
        Add(Tuning(Flag("activerehashing")));
        Add(Flag("stop-writes-on-bgsave-error"));
        Add(OnlyDefault(Flag("set-proc-title"), "no", "a .NET process cannot rewrite the title ps shows; Vigil's title stays its command line"));
        Add(Tuning(Flag("dynamic-hz")));
        Add(Flag("lazyfree-lazy-eviction"));
        Add(Flag("lazyfree-lazy-expire"));
        Add(Flag("lazyfree-lazy-server-del"));
        Add(Flag("lazyfree-lazy-user-del"));
        Add(Flag("lazyfree-lazy-user-flush"));
        Add(Flag("repl-disable-tcp-nodelay"));
        Add(Flag("repl-diskless-sync"));
        Add(Flag("aof-rewrite-incremental-fsync"));
        Add(Flag("no-appendfsync-on-rewrite"));
        Add(Flag("cluster-require-full-coverage"));
        Add(Flag("rdb-save-incremental-fsync"));
        Add(Flag("aof-load-truncated"));
        Add(Flag("aof-use-rdb-preamble"));
        Add(Flag("aof-timestamp-enabled"));
        Add(Flag("cluster-replica-no-failover"), "cluster-slave-no-failover");
        Add(Flag("replica-lazy-flush"), "slave-lazy-flush");
        Add(Flag("replica-serve-stale-data"), "slave-serve-stale-data");
        Add(Flag("replica-read-only"), "slave-read-only");
        Add(Flag("replica-ignore-maxmemory"), "slave-ignore-maxmemory");
        Add(Tuning(Flag("jemalloc-bg-thread")));
        Add(Tuning(Flag("activedefrag")));
        Add(Flag("syslog-enabled", static (d, v) => d.Server = d.Server with { SyslogEnabled = v }));
        Add(Flag("cluster-enabled"));
        Add(Flag("appendonly"));
        Add(Flag("cluster-allow-reads-when-down"));
        Add(Flag("cluster-allow-pubsubshard-when-down"));
        Add(Flag("crash-log-enabled", static (d, v) => d.Server = d.Server with { CrashLogEnabled = v }));
        Add(OnlyDefault(Flag("crash-memcheck-enabled"), "no", "Vigil runs no memory test after a crash (the .NET runtime manages its memory)"));
        Add(OnlyDefault(Flag("use-exit-on-panic"), "no", "Vigil does not change how the .NET runtime ends a failed process"));
        Add(Flag("disable-thp"));
        Add(Flag("cluster-allow-replica-migration"));
        Add(Flag("replica-announced"));
        Add(Flag("latency-tracking"));
        Add(Flag("aof-disable-auto-gc"));
        Add(Flag("replica-ignore-disk-write-errors"));
        Add(Flag("tls-cluster"));
        Add(Flag("tls-replication", static (d, v) => d.Tls = d.Tls with { TlsReplication = v }));
        Add(Single("tls-prefer-server-ciphers", static (l, v) =>
        {
            int yesNo = RedisNumbers.YesNo(v[0]);
            if (yesNo < 0) return "argument must be 'yes' or 'no'";
            return TlsDirectives.CheckPreferServerCiphers(yesNo == 1);
        }));
        Add(Flag("tls-session-caching", static (d, v) => d.Tls = d.Tls with { SessionCaching = v }));

        // String configs. emptyIsNull: "" means unset.
        Add(Text("aclfile", emptyIsNull: false, static (d, v) => d.Server = d.Server with { AclFile = v!.Length == 0 ? null : v }));
        Add(Text("unixsocket", emptyIsNull: true, static (d, v) => d.Server = d.Server with { UnixSocket = v }));
        Add(Text("pidfile", emptyIsNull: true, static (d, v) => d.Server = d.Server with { PidFile = v }));
        // Vigil's own (redis-sentinel refuses them): the HTTP endpoint for metrics and the dashboard.
        Add(Single("vigil-http", static (l, v) =>
        {
            if (!HttpEndpointAddress.TryParse(v[0], out var address, out var error)) return error;
            l.Draft.Server = l.Draft.Server with { HttpEndpoint = address };
            return null;
        }));
        Add(Text("vigil-http-token-file", emptyIsNull: true, static (d, v) => d.Server = d.Server with { HttpTokenFile = v }));
        // Vigil's own: where the learned state is kept, so a packaged config can stay read-only in /etc.
        Add(Text("vigil-state-file", emptyIsNull: true, static (d, v) => d.Server = d.Server with { StateFile = v }));
        Add(Text("replica-announce-ip", emptyIsNull: true), "slave-announce-ip");
        Add(Text("masteruser", emptyIsNull: true));
        Add(Text("cluster-announce-ip", emptyIsNull: true));
        Add(Text("cluster-config-file", emptyIsNull: false));
        Add(Text("cluster-announce-hostname", emptyIsNull: true, validate: CheckAnnouncedHostname));
        Add(Text("syslog-ident", emptyIsNull: false, static (d, v) => d.Server = d.Server with { SyslogIdent = v! }));
        Add(Text("dbfilename", emptyIsNull: false, validate: static v => IsBaseName(v) ? null : "dbfilename can't be a path, just a filename"));
        Add(Text("appendfilename", emptyIsNull: false, validate: static v =>
            v.Length == 0 ? "appendfilename can't be empty"
            : IsBaseName(v) ? null : "appendfilename can't be a path, just a filename"));
        Add(Text("appenddirname", emptyIsNull: false, validate: static v =>
            v.Length == 0 ? "appenddirname can't be empty"
            : IsBaseName(v) ? null : "appenddirname can't be a path, just a dirname"));
        Add(OnlyDefault(Text("server_cpulist", emptyIsNull: true), "", "set the CPU affinity with taskset(1) or systemd's CPUAffinity= instead"));
        Add(OnlyDefault(Text("bio_cpulist", emptyIsNull: true), "", "set the CPU affinity with taskset(1) or systemd's CPUAffinity= instead"));
        Add(Text("aof_rewrite_cpulist", emptyIsNull: true));
        Add(Text("bgsave_cpulist", emptyIsNull: true));
        Add(Text("ignore-warnings", emptyIsNull: false));
        Add(OnlyDefault(Text("proc-title-template", emptyIsNull: false, validate: static v =>
            ProcTitleTemplateIsValid(v) ? null : "template format is invalid or contains unknown variables"),
            null, "a .NET process cannot rewrite the title ps shows; Vigil's title stays its command line"));
        Add(Text("bind-source-addr", emptyIsNull: true, static (d, v) => d.Server = d.Server with { BindSourceAddr = v }));
        Add(Text("logfile", emptyIsNull: false, static (d, v) => d.Server = d.Server with { LogFile = v! }));
        Add(Text("masterauth", emptyIsNull: true));
        Add(Text("requirepass", emptyIsNull: true, static (d, v) => d.Server = d.Server with { RequirePass = v }));
        Add(Text("tls-cert-file", emptyIsNull: true, static (d, v) => d.Tls = d.Tls with { CertFile = v }));
        Add(Text("tls-key-file", emptyIsNull: true, static (d, v) => d.Tls = d.Tls with { KeyFile = v }));
        Add(Text("tls-key-file-pass", emptyIsNull: true, static (d, v) => d.Tls = d.Tls with { KeyFilePass = v }));
        Add(Text("tls-client-cert-file", emptyIsNull: true, static (d, v) => d.Tls = d.Tls with { ClientCertFile = v }));
        Add(Text("tls-client-key-file", emptyIsNull: true, static (d, v) => d.Tls = d.Tls with { ClientKeyFile = v }));
        Add(Text("tls-client-key-file-pass", emptyIsNull: true, static (d, v) => d.Tls = d.Tls with { ClientKeyFilePass = v }));
        Add(Text("tls-dh-params-file", emptyIsNull: true, validate: TlsDirectives.CheckDhParamsFile));
        Add(Text("tls-ca-cert-file", emptyIsNull: true, static (d, v) => d.Tls = d.Tls with { CaCertFile = v }));
        Add(Text("tls-ca-cert-dir", emptyIsNull: true, static (d, v) => d.Tls = d.Tls with { CaCertDir = v }));
        Add(Text("tls-protocols", emptyIsNull: true, static (d, v) => d.Tls = d.Tls with { Protocols = v }, TlsDirectives.CheckProtocols));
        Add(Text("tls-ciphers", emptyIsNull: true, static (d, v) => d.Tls = d.Tls with { Ciphers = v }, static v => TlsDirectives.CheckCipherList("tls-ciphers", v)));
        Add(Text("tls-ciphersuites", emptyIsNull: true, static (d, v) => d.Tls = d.Tls with { CipherSuites = v }, static v => TlsDirectives.CheckCipherList("tls-ciphersuites", v)));

        // One-of configs.
        Add(Choice("supervised", SupervisedModes, static (d, v) => d.Server = d.Server with { Supervised = ToSupervisedMode(v) }));
        Add(Choice("syslog-facility", SyslogFacilities, static (d, v) => d.Server = d.Server with { SyslogFacility = v }));
        Add(Choice("repl-diskless-load", ReplDisklessLoad));
        // 7.0 knows four levels; "nothing" (Redis 7.2) is accepted too and listed in the error text as 7.2 does.
        Add(Choice("loglevel", [.. LogLevelNames.All], static (d, v) => d.Server = d.Server with { LogLevel = LogLevelNames.Parse(v) ?? LogLevel.Notice }));
        Add(Choice("maxmemory-policy", MaxMemoryPolicies));
        Add(Choice("appendfsync", AofFsync));
        Add(Choice("oom-score-adj", OomScoreAdj, static (d, v) => d.Server = d.Server with { OomScoreAdj = v == "yes" ? "relative" : v }));
        Add(Choice("acl-pubsub-default", AclPubsubDefault, static (d, v) => d.Server = d.Server with { AclPubsubAllChannels = v == "allchannels" }));
        Add(Choice("sanitize-dump-payload", SanitizeDumpPayload));
        Add(Choice("enable-protected-configs", ProtectedAction));
        Add(Choice("enable-debug-command", ProtectedAction));
        Add(Choice("enable-module-command", ProtectedAction));
        Add(Choice("cluster-preferred-endpoint-type", EndpointTypes));
        Add(Choice("propagation-error-behavior", PropagationErrorBehavior));
        Add(Choice("tls-auth-clients", TlsAuthClients, static (d, v) => d.Tls = d.Tls with { AuthClients = v }));
        Add(Choices("shutdown-on-sigint", ShutdownOnSignal, CheckShutdownFlags));
        Add(Choices("shutdown-on-sigterm", ShutdownOnSignal, CheckShutdownFlags));

        // Numeric configs. Unsigned rows compare the value as unsigned, as the reference does.
        const long IntMax = int.MaxValue;
        const long IntMin = int.MinValue;
        const long LongMax = long.MaxValue;
        Add(Signed("databases", 1, IntMax));
        Add(Signed("port", 0, 65535, static (d, v) => d.Server = d.Server with { Port = (int)v }));
        Add(Tuning(Signed("io-threads", 1, 128)));
        Add(Signed("auto-aof-rewrite-percentage", 0, IntMax));
        Add(Signed("cluster-replica-validity-factor", 0, IntMax), "cluster-slave-validity-factor");
        Add(Signed("list-max-listpack-size", IntMin, IntMax), "list-max-ziplist-size");
        Add(Signed("tcp-keepalive", 0, IntMax, static (d, v) => d.Server = d.Server with { TcpKeepaliveSeconds = (int)v }));
        Add(Signed("cluster-migration-barrier", 0, IntMax));
        Add(Tuning(Signed("active-defrag-cycle-min", 1, 99)));
        Add(Tuning(Signed("active-defrag-cycle-max", 1, 99)));
        Add(Tuning(Signed("active-defrag-threshold-lower", 0, 1000)));
        Add(Tuning(Signed("active-defrag-threshold-upper", 0, 1000)));
        Add(Signed("lfu-log-factor", 0, IntMax));
        Add(Signed("lfu-decay-time", 0, IntMax));
        Add(Signed("replica-priority", 0, IntMax), "slave-priority");
        Add(Signed("repl-diskless-sync-delay", 0, IntMax));
        Add(Signed("maxmemory-samples", 1, IntMax));
        Add(Signed("maxmemory-eviction-tenacity", 0, 100));
        Add(Signed("timeout", 0, IntMax, static (d, v) => d.Server = d.Server with { TimeoutSeconds = (int)v }));
        Add(Signed("replica-announce-port", 0, 65535), "slave-announce-port");
        Add(Signed("tcp-backlog", 0, IntMax, static (d, v) => d.Server = d.Server with { TcpBacklog = (int)v }));
        Add(Signed("cluster-port", 0, 65535));
        Add(Signed("cluster-announce-bus-port", 0, 65535));
        Add(Signed("cluster-announce-port", 0, 65535));
        Add(Signed("cluster-announce-tls-port", 0, 65535));
        Add(Signed("repl-timeout", 1, IntMax));
        Add(Signed("repl-ping-replica-period", 1, IntMax), "repl-ping-slave-period");
        Add(Signed("list-compress-depth", 0, IntMax));
        Add(Signed("rdb-key-save-delay", IntMin, IntMax));
        Add(Signed("key-load-delay", IntMin, IntMax));
        Add(Signed("active-expire-effort", 1, 10));
        Add(Signed("hz", 0, IntMax, static (d, v) => d.Hz = v));
        Add(Signed("min-replicas-to-write", 0, IntMax), "min-slaves-to-write");
        Add(Signed("min-replicas-max-lag", 0, IntMax), "min-slaves-max-lag");
        Add(OnlyDefault(Signed("watchdog-period", 0, IntMax), "0", "Vigil has no software watchdog (DEBUG WATCHDOG is not a sentinel command either)"));
        Add(Signed("shutdown-timeout", 0, IntMax));
        Add(Signed("repl-diskless-sync-max-replicas", 0, IntMax));
        Add(Unsigned("maxclients", 1, uint.MaxValue, NumberForm.Integer, static (d, v) => d.Server = d.Server with { MaxClients = SaturateToInt(v) }));
        Add(Unsigned("unixsocketperm", 0, 511, NumberForm.Octal, static (d, v) => d.Server = d.Server with { UnixSocketPerm = (int)v }));
        Add(OnlyDefault(Unsigned("socket-mark-id", 0, uint.MaxValue, NumberForm.Integer), "0", "Vigil does not mark its sockets (SO_MARK)"));
        Add(Tuning(Signed("active-defrag-max-scan-fields", 1, LongMax)));
        Add(Signed("slowlog-max-len", 0, LongMax));
        Add(Signed("acllog-max-len", 0, LongMax, static (d, v) => d.Server = d.Server with { AclLogMaxLen = SaturateToInt(v) }));
        Add(Signed("busy-reply-threshold", 0, LongMax), "lua-time-limit");
        Add(Signed("cluster-node-timeout", 0, LongMax));
        Add(Signed("slowlog-log-slower-than", -1, LongMax));
        Add(Signed("latency-monitor-threshold", 0, LongMax));
        Add(Signed("proto-max-bulk-len", 1024 * 1024, LongMax, static (d, v) => d.Server = d.Server with { ProtoMaxBulkLen = v }, NumberForm.Memory));
        Add(Signed("stream-node-max-entries", 0, LongMax));
        Add(Signed("repl-backlog-size", 1, LongMax, form: NumberForm.Memory));
        Add(Unsigned("maxmemory", 0, ulong.MaxValue, NumberForm.Memory));
        Add(Unsigned("cluster-link-sendbuf-limit", 0, ulong.MaxValue, NumberForm.Memory));
        Add(Unsigned("hash-max-listpack-entries", 0, LongMax, NumberForm.Integer), "hash-max-ziplist-entries");
        Add(Unsigned("set-max-intset-entries", 0, LongMax, NumberForm.Integer));
        Add(Unsigned("zset-max-listpack-entries", 0, LongMax, NumberForm.Integer), "zset-max-ziplist-entries");
        Add(Tuning(Unsigned("active-defrag-ignore-bytes", 1, LongMax, NumberForm.Memory)));
        Add(Unsigned("hash-max-listpack-value", 0, LongMax, NumberForm.Memory), "hash-max-ziplist-value");
        Add(Unsigned("stream-node-max-bytes", 0, LongMax, NumberForm.Memory));
        Add(Unsigned("zset-max-listpack-value", 0, LongMax, NumberForm.Memory), "zset-max-ziplist-value");
        Add(Unsigned("hll-sparse-max-bytes", 0, LongMax, NumberForm.Memory));
        Add(Unsigned("tracking-table-max-keys", 0, LongMax, NumberForm.Integer));
        Add(OnlyDefault(Unsigned("client-query-buffer-limit", 1024 * 1024, LongMax, NumberForm.Memory), "1073741824", "Vigil bounds each request with proto-max-bulk-len, not the query buffer", MemoryValue));
        Add(OnlyDefault(Signed("maxmemory-clients", -100, LongMax, form: NumberForm.Memory | NumberForm.Percent), "0", "Vigil does not evict clients by memory; client-output-buffer-limit still applies", MemoryValue));
        Add(Signed("repl-backlog-ttl", 0, LongMax));
        Add(Signed("auto-aof-rewrite-min-size", 0, LongMax, form: NumberForm.Memory));
        Add(Signed("loading-process-events-interval-bytes", 1024, IntMax));
        Add(Signed("tls-port", 0, 65535, static (d, v) => d.Tls = d.Tls with { TlsPort = (int)v }));
        Add(Single("tls-session-cache-size", static (_, v) =>
            !RedisNumbers.TryParseStrict(v[0], out long size) ? "argument couldn't be parsed into an integer"
            : size < 0 || size > IntMax ? $"argument must be between 0 and {IntMax} inclusive"
            : TlsDirectives.CheckSessionCacheSize(size)));
        Add(Single("tls-session-cache-timeout", static (_, v) =>
            !RedisNumbers.TryParseStrict(v[0], out long seconds) ? "argument couldn't be parsed into an integer"
            : seconds < 0 || seconds > IntMax ? $"argument must be between 0 and {IntMax} inclusive"
            : TlsDirectives.CheckSessionCacheTimeout(seconds)));

        // Configs with their own syntax.
        Add(Single("dir", static (l, v) => l.ChangeDirectory(v[0])));
        Add(Single("notify-keyspace-events", noEffect: true, static (_, v) =>
            v[0].AsSpan().IndexOfAnyExcept(KeyspaceEventClasses) >= 0
                ? $"Invalid event class character. Use '{KeyspaceEventClasses}'."
                : null));
        Add(NoEffectMulti("save", static (_, v) => CheckSave(v)));
        Add(Multi("client-output-buffer-limit", static (l, v) => ClientOutputBufferLimits.Apply(l.Draft, v)));
        Add(Multi("oom-score-adj-values", static (l, v) => CheckOomScoreAdjValues(v) ?? StoreOomScoreAdjValue(l.Draft, v)));
        Add(Multi("bind", static (l, v) => ApplyBind(l.Draft, v)));
        Add(NoEffectMulti("replicaof", static (_, v) => CheckReplicaOf(v)), "slaveof");
        Add(NoEffectMulti("latency-tracking-info-percentiles", static (_, v) => CheckPercentiles(v)));

        return table;
    }

    [Flags]
    private enum NumberForm
    {
        Integer = 0,
        Memory = 1,
        Percent = 2,
        Octal = 4,
    }

    private static ServerDirective Statement(string name, int min, int max, ServerDirectiveHandler handle) =>
        new(name, DirectiveShape.Statement, min, max, handle);

    private static ServerDirective Single(string name, ServerDirectiveHandler handle) =>
        new(name, DirectiveShape.SingleValue, 1, 1, handle);

    private static ServerDirective Single(string name, bool noEffect, ServerDirectiveHandler handle) =>
        new(name, DirectiveShape.SingleValue, 1, 1, handle) { NoEffect = noEffect };

    private static ServerDirective NoEffectMulti(string name, ServerDirectiveHandler handle) =>
        new(name, DirectiveShape.MultiValue, 0, int.MaxValue, handle) { NoEffect = true };

    /// <summary>A knob of redis-server's own runtime (<see cref="ServerDirective.RuntimeTuning"/>).</summary>
    private static ServerDirective Tuning(ServerDirective directive) => directive with { NoEffect = false, RuntimeTuning = true };

    /// <summary>
    /// A setting redis-sentinel acts on that Vigil cannot: its default value is what Vigil does, so only that value is
    /// accepted (null = no value is); any other is refused with the reason, after the reference's own value checks.
    /// </summary>
    private static ServerDirective OnlyDefault(ServerDirective directive, string? defaultValue, string reason, Func<string, string>? normalize = null) =>
        directive with
        {
            NoEffect = false,
            Handle = (l, v) =>
            {
                if (directive.Handle(l, v) is { } error) return error;
                var value = string.Join(' ', v);
                var isDefault = defaultValue is not null && (normalize ?? NormalizeYesNo)(value) == defaultValue;
                return isDefault ? null : $"{directive.Name} {value} is not supported: {reason}";
            },
        };

    private static string NormalizeYesNo(string value) => RedisNumbers.YesNo(value) switch
    {
        0 => "no",
        1 => "yes",
        _ => value,
    };

    /// <summary>A memory value in bytes ("1gb" → "1073741824"), as the text it was when not one.</summary>
    private static string MemoryValue(string value) =>
        RedisNumbers.TryParseMemory(value, out ulong bytes) ? bytes.ToString(CultureInfo.InvariantCulture) : value;

    private static string? StoreOomScoreAdjValue(ConfigDraft draft, IReadOnlyList<string> values)
    {
        draft.Server = draft.Server with { OomScoreAdjValue = RedisNumbers.Atoi(values[0]) };
        return null;
    }

    private static ServerDirective Multi(string name, ServerDirectiveHandler handle) =>
        new(name, DirectiveShape.MultiValue, 0, int.MaxValue, handle);

    private static ServerDirective Flag(string name, Action<ConfigDraft, bool>? store = null) =>
        Single(name, store is null, (l, v) =>
        {
            int yesNo = RedisNumbers.YesNo(v[0]);
            if (yesNo < 0) return "argument must be 'yes' or 'no'";
            store?.Invoke(l.Draft, yesNo == 1);
            return null;
        });

    private static ServerDirective Text(string name, bool emptyIsNull, Action<ConfigDraft, string?>? store = null, Func<string, string?>? validate = null) =>
        Single(name, store is null, (l, v) =>
        {
            if (validate?.Invoke(v[0]) is { } error) return error;
            store?.Invoke(l.Draft, emptyIsNull && v[0].Length == 0 ? null : v[0]);
            return null;
        });

    private static ServerDirective Choice(string name, string[] choices, Action<ConfigDraft, string>? store = null) =>
        Single(name, store is null, (l, v) =>
        {
            string? match = FindChoice(choices, v[0]);
            if (match is null) return ChoiceError(choices);
            store?.Invoke(l.Draft, match);
            return null;
        });

    /// <summary>A set of flags: one or more words, each one of the choices.</summary>
    private static ServerDirective Choices(string name, string[] choices, Func<IReadOnlyList<string>, string?> validate) =>
        NoEffectMulti(name, (_, v) =>
        {
            if (v.Count == 0) return ChoiceError(choices);
            foreach (string word in v)
            {
                if (FindChoice(choices, word) is null) return ChoiceError(choices);
            }
            return validate(v);
        });

    private static ServerDirective Signed(string name, long min, long max, Action<ConfigDraft, long>? store = null, NumberForm form = NumberForm.Integer) =>
        Number(name, min, max, form, isUnsigned: false, store);

    private static ServerDirective Unsigned(string name, ulong min, ulong max, NumberForm form, Action<ConfigDraft, long>? store = null) =>
        Number(name, min, max, form, isUnsigned: true, store);

    private static ServerDirective Number(string name, Int128 min, Int128 max, NumberForm form, bool isUnsigned, Action<ConfigDraft, long>? store) =>
        Single(name, store is null, (l, v) =>
        {
            if (!TryParseNumber(v[0], form, out long value, out string? error)) return error;
            if (isUnsigned)
            {
                Int128 asUnsigned = unchecked((ulong)value);
                if (asUnsigned < min || asUnsigned > max) return RangeError(min, max, form);
            }
            else if (form.HasFlag(NumberForm.Percent) && value < 0)
            {
                // Percentages are kept as negative numbers; the lower bound limits them.
                if (value < min) return $"percentage argument must be less or equal to {-min}";
            }
            else if (value < min || value > max)
            {
                return RangeError(min, max, form);
            }
            store?.Invoke(l.Draft, value);
            return null;
        });

    private static bool TryParseNumber(string text, NumberForm form, out long value, out string? error)
    {
        error = null;
        if (form.HasFlag(NumberForm.Memory) && RedisNumbers.TryParseMemory(text, out ulong bytes))
        {
            value = unchecked((long)bytes);
            return true;
        }
        if (form.HasFlag(NumberForm.Percent) && text.Length > 1 && text[^1] == '%'
            && RedisNumbers.TryParseStrict(text[..^1], out long percent) && percent >= 0)
        {
            value = -percent;
            return true;
        }
        if (form.HasFlag(NumberForm.Octal))
        {
            value = RedisNumbers.StrToLong(text, 8, out bool consumedAll, out bool overflow);
            if (consumedAll && !overflow) return true;
        }
        if (form == NumberForm.Integer && RedisNumbers.TryParseStrict(text, out value)) return true;

        value = 0;
        error = form.HasFlag(NumberForm.Memory) && form.HasFlag(NumberForm.Percent) ? "argument must be a memory or percent value"
            : form.HasFlag(NumberForm.Memory) ? "argument must be a memory value"
            : form.HasFlag(NumberForm.Octal) ? "argument couldn't be parsed as an octal number"
            : "argument couldn't be parsed into an integer";
        return false;
    }

    private static string RangeError(Int128 min, Int128 max, NumberForm form) =>
        form.HasFlag(NumberForm.Octal)
            ? $"argument must be between {ToOctal(min)} and {ToOctal(max)} inclusive"
            : $"argument must be between {min} and {max} inclusive";

    private static string ToOctal(Int128 value) => Convert.ToString((long)value, 8);

    private static string? FindChoice(string[] choices, string word)
    {
        foreach (string choice in choices)
        {
            if (choice.Equals(word, StringComparison.OrdinalIgnoreCase)) return choice;
        }
        return null;
    }

    private static string ChoiceError(string[] choices) =>
        "argument(s) must be one of the following: " + string.Join(", ", choices);

    private static string? CheckShutdownFlags(IReadOnlyList<string> words)
    {
        bool save = false;
        bool noSave = false;
        foreach (string word in words)
        {
            save |= word.Equals("save", StringComparison.OrdinalIgnoreCase);
            noSave |= word.Equals("nosave", StringComparison.OrdinalIgnoreCase);
        }
        return save && noSave ? "shutdown options SAVE and NOSAVE can't be used simultaneously" : null;
    }

    private static string? CheckAnnouncedHostname(string value)
    {
        if (value.Length >= MaxHostnameLength) return $"Hostnames must be less than {MaxHostnameLength} characters";
        foreach (char c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '.')
                return "Hostnames may only contain alphanumeric characters, hyphens or dots";
        }
        return null;
    }

    /// <summary>
    /// The reference expands the template with an empty title and refuses unknown <c>{variables}</c>,
    /// an unclosed brace, and a result that is empty after trimming spaces. Every variable but
    /// <c>{title}</c> is taken as non-empty here (<c>{unixsocket}</c> is only if one is set, so this
    /// accepts slightly more than the reference).
    /// </summary>
    private static bool ProcTitleTemplateIsValid(string template)
    {
        bool hasText = false;
        int i = 0;
        while (i < template.Length)
        {
            int open = template.IndexOf('{', i);
            string literal = open < 0 ? template[i..] : template[i..open];
            hasText |= literal.Trim(' ').Length > 0;
            if (open < 0) break;
            if (open + 1 >= template.Length) return false;
            if (template[open + 1] == '{')
            {
                hasText = true; // "{{" is a literal brace
                i = open + 2;
                continue;
            }
            int close = template.IndexOf('}', open + 1);
            if (close < 0) return false;
            switch (template[(open + 1)..close])
            {
                case "title": break;
                case "listen-addr" or "server-mode" or "config-file" or "port" or "tls-port" or "unixsocket": hasText = true; break;
                default: return false;
            }
            i = close + 1;
        }
        return hasText;
    }

    private static bool IsBaseName(string path) => path.IndexOfAny(['/', '\\']) < 0;

    /// <summary><c>save</c> is accepted and ignored (a sentinel has no data set), but checked like Redis.</summary>
    private static string? CheckSave(IReadOnlyList<string> values)
    {
        const string Invalid = "Invalid save parameters";
        if (values.Count == 1 && values[0].Length == 0) return null;
        if (values.Count % 2 != 0) return Invalid;
        for (int i = 0; i < values.Count; i++)
        {
            long value = RedisNumbers.StrToLong(values[i], 10, out bool consumedAll, out _);
            bool isSeconds = i % 2 == 0;
            if (!consumedAll || (isSeconds && value < 1) || (!isSeconds && value < 0)) return Invalid;
        }
        return null;
    }

    private static string? CheckOomScoreAdjValues(IReadOnlyList<string> values)
    {
        const int ValueCount = 3;
        const int Limit = 2000;
        if (values.Count != ValueCount) return BadCount;
        foreach (string text in values)
        {
            long value = RedisNumbers.StrToLong(text, 10, out bool consumedAll, out _);
            if (!consumedAll || value < -Limit || value > Limit)
                return $"Invalid oom-score-adj-values, elements must be between -{Limit} and {Limit}.";
        }
        return null;
    }

    private static string? ApplyBind(ConfigDraft draft, IReadOnlyList<string> values)
    {
        if (values.Count > MaxBindAddresses) return "Too many bind addresses specified.";
        // A single empty value means no address at all: no TCP listener.
        bool none = values.Count == 0 || (values.Count == 1 && values[0].Length == 0);
        draft.Server = draft.Server with
        {
            Bind = none ? [] : [.. values],
            TcpListenerDisabled = none,
        };
        return null;
    }

    private static string? CheckReplicaOf(IReadOnlyList<string> values)
    {
        if (values.Count != 2) return BadCount;
        if (values[0].Equals("no", StringComparison.OrdinalIgnoreCase) && values[1].Equals("one", StringComparison.OrdinalIgnoreCase))
            return null;
        long port = RedisNumbers.StrToLong(values[1], 10, out bool consumedAll, out _);
        return consumedAll && port is >= 0 and <= 65535 ? null : "Invalid master port";
    }

    private static string? CheckPercentiles(IReadOnlyList<string> values)
    {
        if (values.Count == 1 && values[0].Length == 0) return null;
        foreach (string text in values)
        {
            if (text.Length == 0 || ConfigLexer.IsCSpace(text[0])
                || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double percentile)
                || double.IsNaN(percentile) || double.IsInfinity(percentile))
            {
                return "Invalid latency-tracking-info-percentiles parameters";
            }
            if (percentile is > 100.0 or < 0.0)
                return "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
        }
        return null;
    }

    private static SupervisedMode ToSupervisedMode(string word) => word switch
    {
        "upstart" => SupervisedMode.Upstart,
        "systemd" => SupervisedMode.Systemd,
        "auto" => SupervisedMode.Auto,
        _ => SupervisedMode.No,
    };

    private static int SaturateToInt(long value) => value > int.MaxValue ? int.MaxValue : (int)value;
}
