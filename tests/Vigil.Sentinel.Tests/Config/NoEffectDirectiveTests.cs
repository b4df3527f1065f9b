using static Vigil.Sentinel.Tests.Config.ConfigTestParsing;

namespace Vigil.Sentinel.Tests.Config;

/// <summary>Server-only settings are accepted and named, with file and line, as having no effect in sentinel mode.</summary>
public sealed class NoEffectDirectiveTests
{
    [Fact]
    public void DataAndPersistenceSettingsAreListedWithTheirLines()
    {
        var config = ParseOk(Lines(
            "port 26999",
            "appendonly yes",
            "save 900 1",
            "maxclients 100",
            "replicaof 10.0.0.1 6379",
            "notify-keyspace-events Ex",
            "loglevel warning",
            "sentinel monitor m 127.0.0.1 6379 2"));

        Assert.Equal(
        [
            $"{ConfigPath}:2: appendonly",
            $"{ConfigPath}:3: save",
            $"{ConfigPath}:5: replicaof",
            $"{ConfigPath}:6: notify-keyspace-events",
        ], config.NoEffectLines);
    }

    [Fact]
    public void SettingsASentinelHonoursAreNotListed()
    {
        var config = ParseOk(Lines(
            "port 26999", "bind 127.0.0.1", "maxclients 100", "timeout 30", "logfile x.log", "loglevel debug",
            "unixsocket /tmp/s.sock", "unixsocketperm 700", "daemonize no", "supervised auto", "syslog-enabled no",
            "protected-mode no", "requirepass x", "hz 20", "tcp-backlog 128", "oom-score-adj absolute", "oom-score-adj-values -100 200 800",
            "crash-log-enabled no", "set-proc-title no", "always-show-logo no", "crash-memcheck-enabled no", "use-exit-on-panic no",
            "watchdog-period 0", "socket-mark-id 0", "server_cpulist \"\"", "client-query-buffer-limit 1gb", "maxmemory-clients 0",
            "acl-pubsub-default allchannels", "acllog-max-len 64", "sentinel monitor m 127.0.0.1 6379 2"));
        Assert.Empty(config.NoEffectLines);
        Assert.Empty(config.RuntimeTuningLines);
        Assert.Equal(128, config.Server.TcpBacklog);
        Assert.Equal(("absolute", -100), (config.Server.OomScoreAdj, config.Server.OomScoreAdjValue));
        Assert.False(config.Server.CrashLogEnabled);
        Assert.True(config.Server.AclPubsubAllChannels);
    }

    [Fact]
    public void RuntimeTuningIsListedApartFromNoEffect()
    {
        var config = ParseOk(Lines("port 26999", "io-threads 4", "activedefrag yes", "dynamic-hz no", "sentinel monitor m 127.0.0.1 6379 2"));
        Assert.Empty(config.NoEffectLines);
        Assert.Equal([$"{ConfigPath}:2: io-threads", $"{ConfigPath}:3: activedefrag", $"{ConfigPath}:4: dynamic-hz"], config.RuntimeTuningLines);
    }

    /// <summary>Settings redis-sentinel acts on and Vigil cannot: refused with the reason, except at the value that is what Vigil does.</summary>
    [Theory]
    [InlineData("set-proc-title yes", "set-proc-title yes is not supported: a .NET process cannot rewrite the title ps shows")]
    [InlineData("proc-title-template \"{title} {listen-addr} {server-mode}\"", "proc-title-template {title} {listen-addr} {server-mode} is not supported")]
    [InlineData("always-show-logo yes", "always-show-logo yes is not supported")]
    [InlineData("crash-memcheck-enabled yes", "crash-memcheck-enabled yes is not supported")]
    [InlineData("use-exit-on-panic yes", "use-exit-on-panic yes is not supported")]
    [InlineData("watchdog-period 500", "watchdog-period 500 is not supported")]
    [InlineData("socket-mark-id 7", "socket-mark-id 7 is not supported")]
    [InlineData("server_cpulist 0-3", "server_cpulist 0-3 is not supported: set the CPU affinity with taskset(1)")]
    [InlineData("bio_cpulist 1", "bio_cpulist 1 is not supported")]
    [InlineData("client-query-buffer-limit 2gb", "client-query-buffer-limit 2gb is not supported")]
    [InlineData("maxmemory-clients 10%", "maxmemory-clients 10% is not supported")]
    public void SettingsVigilCannotHonourAreRefused(string line, string reason)
    {
        var error = ParseError(Lines("port 26999", line));
        Assert.Equal(2, error.LineNumber);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
