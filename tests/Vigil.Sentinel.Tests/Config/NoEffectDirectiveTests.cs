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
            "protected-mode no", "requirepass x", "hz 20", "sentinel monitor m 127.0.0.1 6379 2"));
        Assert.Empty(config.NoEffectLines);
    }
}
