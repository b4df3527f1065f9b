using Vigil.Sentinel.Config;
using static Vigil.Sentinel.Tests.Config.ConfigTestParsing;

namespace Vigil.Sentinel.Tests.Config;

/// <summary>The directive table knows every name redis.conf 7.0 knows, and nothing else.</summary>
public sealed class DirectiveTableTests
{
    /// <summary>
    /// The names <c>CONFIG GET *</c> lists on redis-server 7.0.15 (aliases included), plus the hidden
    /// debug configs of its config table.
    /// </summary>
    private static readonly string[] Redis70ConfigNames =
    [
        "acl-pubsub-default", "aclfile", "acllog-max-len", "active-defrag-cycle-max", "active-defrag-cycle-min",
        "active-defrag-ignore-bytes", "active-defrag-max-scan-fields", "active-defrag-threshold-lower",
        "active-defrag-threshold-upper", "active-expire-effort", "activedefrag", "activerehashing",
        "always-show-logo", "aof-disable-auto-gc", "aof-load-truncated", "aof-rewrite-incremental-fsync",
        "aof-timestamp-enabled", "aof-use-rdb-preamble", "aof_rewrite_cpulist", "appenddirname", "appendfilename",
        "appendfsync", "appendonly", "auto-aof-rewrite-min-size", "auto-aof-rewrite-percentage", "bgsave_cpulist",
        "bind", "bind-source-addr", "bio_cpulist", "busy-reply-threshold", "client-output-buffer-limit",
        "client-query-buffer-limit", "cluster-allow-pubsubshard-when-down", "cluster-allow-reads-when-down",
        "cluster-allow-replica-migration", "cluster-announce-bus-port", "cluster-announce-hostname",
        "cluster-announce-ip", "cluster-announce-port", "cluster-announce-tls-port", "cluster-config-file",
        "cluster-enabled", "cluster-link-sendbuf-limit", "cluster-migration-barrier", "cluster-node-timeout",
        "cluster-port", "cluster-preferred-endpoint-type", "cluster-replica-no-failover",
        "cluster-replica-validity-factor", "cluster-require-full-coverage", "cluster-slave-no-failover",
        "cluster-slave-validity-factor", "crash-log-enabled", "crash-memcheck-enabled", "daemonize", "databases",
        "dbfilename", "dir", "disable-thp", "dynamic-hz", "enable-debug-command", "enable-module-command",
        "enable-protected-configs", "hash-max-listpack-entries", "hash-max-listpack-value",
        "hash-max-ziplist-entries", "hash-max-ziplist-value", "hll-sparse-max-bytes", "hz", "ignore-warnings",
        "io-threads", "io-threads-do-reads", "jemalloc-bg-thread", "key-load-delay", "latency-monitor-threshold",
        "latency-tracking", "latency-tracking-info-percentiles", "lazyfree-lazy-eviction", "lazyfree-lazy-expire",
        "lazyfree-lazy-server-del", "lazyfree-lazy-user-del", "lazyfree-lazy-user-flush", "lfu-decay-time",
        "lfu-log-factor", "list-compress-depth", "list-max-listpack-size", "list-max-ziplist-size",
        "loading-process-events-interval-bytes", "logfile", "loglevel", "lua-time-limit", "masterauth",
        "masteruser", "maxclients", "maxmemory", "maxmemory-clients", "maxmemory-eviction-tenacity",
        "maxmemory-policy", "maxmemory-samples", "min-replicas-max-lag", "min-replicas-to-write",
        "min-slaves-max-lag", "min-slaves-to-write", "no-appendfsync-on-rewrite", "notify-keyspace-events",
        "oom-score-adj", "oom-score-adj-values", "pidfile", "port", "proc-title-template",
        "propagation-error-behavior", "protected-mode", "proto-max-bulk-len", "rdb-del-sync-files",
        "rdb-key-save-delay", "rdb-save-incremental-fsync", "rdbchecksum", "rdbcompression", "repl-backlog-size",
        "repl-backlog-ttl", "repl-disable-tcp-nodelay", "repl-diskless-load", "repl-diskless-sync",
        "repl-diskless-sync-delay", "repl-diskless-sync-max-replicas", "repl-ping-replica-period",
        "repl-ping-slave-period", "repl-timeout", "replica-announce-ip", "replica-announce-port",
        "replica-announced", "replica-ignore-disk-write-errors", "replica-ignore-maxmemory", "replica-lazy-flush",
        "replica-priority", "replica-read-only", "replica-serve-stale-data", "replicaof", "requirepass",
        "sanitize-dump-payload", "save", "server_cpulist", "set-max-intset-entries", "set-proc-title",
        "shutdown-on-sigint", "shutdown-on-sigterm", "shutdown-timeout", "slave-announce-ip",
        "slave-announce-port", "slave-ignore-maxmemory", "slave-lazy-flush", "slave-priority", "slave-read-only",
        "slave-serve-stale-data", "slaveof", "slowlog-log-slower-than", "slowlog-max-len", "socket-mark-id",
        "stop-writes-on-bgsave-error", "stream-node-max-bytes", "stream-node-max-entries", "supervised",
        "syslog-enabled", "syslog-facility", "syslog-ident", "tcp-backlog", "tcp-keepalive", "timeout",
        "tls-auth-clients", "tls-ca-cert-dir", "tls-ca-cert-file", "tls-cert-file", "tls-ciphers",
        "tls-ciphersuites", "tls-client-cert-file", "tls-client-key-file", "tls-client-key-file-pass",
        "tls-cluster", "tls-dh-params-file", "tls-key-file", "tls-key-file-pass", "tls-port",
        "tls-prefer-server-ciphers", "tls-protocols", "tls-replication", "tls-session-cache-size",
        "tls-session-cache-timeout", "tls-session-caching", "tracking-table-max-keys", "unixsocket",
        "unixsocketperm", "use-exit-on-panic", "watchdog-period", "zset-max-listpack-entries",
        "zset-max-listpack-value", "zset-max-ziplist-entries", "zset-max-ziplist-value",
    ];

    /// <summary>Accepted by the 7.0 loader though they are not configs.</summary>
    private static readonly string[] Redis70Statements =
    [
        "include", "rename-command", "user", "loadmodule", "sentinel",
        "list-max-ziplist-entries", "list-max-ziplist-value", "lua-replicate-commands",
    ];

    public static TheoryData<string> AllNames() => [.. Redis70ConfigNames, .. Redis70Statements];

    [Theory]
    [MemberData(nameof(AllNames))]
    public void EveryRedis70DirectiveIsKnown(string name)
    {
        Assert.True(ConfigFileParser.IsKnownDirective(name));
        Assert.True(ConfigFileParser.IsKnownDirective(name.ToUpperInvariant()));
    }

    /// <summary>Vigil's own directives (the HTTP endpoint); redis-sentinel refuses them.</summary>
    private static readonly string[] VigilDirectives = ["vigil-http", "vigil-http-token-file", "vigil-state-file"];

    [Fact]
    public void TableHoldsNothingBeyondRedis70AndVigilsOwn()
    {
        Assert.Equal(
            [.. Redis70ConfigNames.Concat(Redis70Statements).Concat(VigilDirectives).Order(StringComparer.Ordinal)],
            ConfigFileParser.DirectiveNames);
    }

    [Theory]
    [InlineData("sentinels")]
    [InlineData("monitor")]
    [InlineData("requirepass2")]
    [InlineData("replica-of")]
    [InlineData("primary-reboot-down-after-period")]
    public void UnknownNamesAreNotKnown(string name)
    {
        Assert.False(ConfigFileParser.IsKnownDirective(name));
    }

    [Fact]
    public void SentinelSubDirectivesAreThoseOf70PlusVigilsSplitBrainOptions()
    {
        // fence-writes and failover-damping are Vigil's own (docs/split-brain.md); every other one is 7.0's.
        Assert.Equal(
            [
                "announce-hostnames", "announce-ip", "announce-port", "auth-pass", "auth-user", "client-reconfig-script",
                "config-epoch", "current-epoch", "deny-scripts-reconfig", "down-after-milliseconds", "failover-damping",
                "failover-timeout", "fence-writes", "known-replica", "known-sentinel", "known-slave", "leader-epoch", "master-reboot-down-after-period",
                "monitor", "myid", "notification-script", "parallel-syncs", "rename-command", "resolve-hostnames",
                "sentinel-pass", "sentinel-user",
            ],
            ConfigFileParser.SentinelDirectiveNames);
    }

    /// <summary>A line for each inert directive that redis-sentinel 7.0.15 accepts as written.</summary>
    [Theory]
    [InlineData("appendonly no")]
    [InlineData("maxmemory 1gb")]
    [InlineData("maxmemory-policy allkeys-lru")]
    [InlineData("maxmemory-clients 0")]
    [InlineData("slave-read-only yes")]
    [InlineData("list-max-ziplist-size -2")]
    [InlineData("hash-max-ziplist-entries 512")]
    [InlineData("save \"\"")]
    [InlineData("save 900 1 300 10")]
    [InlineData("save \"900 1\"")]
    [InlineData("slaveof no one")]
    [InlineData("replicaof 10.0.0.1 6379")]
    [InlineData("oom-score-adj-values 0 200 800")]
    [InlineData("notify-keyspace-events KEA")]
    [InlineData("latency-tracking-info-percentiles 50 99 99.9")]
    [InlineData("latency-tracking-info-percentiles \"\"")]
    [InlineData("shutdown-on-sigterm nosave now")]
    [InlineData("unixsocketperm 0700")]
    [InlineData("hz 0")]
    [InlineData("lua-replicate-commands yes")]
    [InlineData("loadmodule /usr/lib/redis/modules/x.so arg")]
    [InlineData("mymodule.option value")]
    [InlineData("enable-debug-command local")]
    [InlineData("tls-session-cache-size 20480")]
    [InlineData("io-threads 4")]
    public void InertDirectivesParse(string line)
    {
        Assert.True(Parse(line + "\n").IsSuccess);
    }
}
