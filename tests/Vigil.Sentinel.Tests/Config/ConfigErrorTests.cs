using Vigil.Sentinel.Config;
using static Vigil.Sentinel.Tests.Config.ConfigTestParsing;

namespace Vigil.Sentinel.Tests.Config;

/// <summary>
/// Every refusal carries redis-sentinel 7.0.15's own text and the line it blames. The expected texts
/// were taken from the real binary given the same lines.
/// </summary>
public sealed class ConfigErrorTests
{
    private const string Monitor = "sentinel monitor m 127.0.0.1 48001 2";

    [Theory]
    [InlineData("port 70000", "argument must be between 0 and 65535 inclusive")]
    [InlineData("port abc", "argument couldn't be parsed into an integer")]
    [InlineData("port +5", "argument couldn't be parsed into an integer")]
    [InlineData("port", "wrong number of arguments")]
    [InlineData("port 1 2", "wrong number of arguments")]
    [InlineData("loglevel", "wrong number of arguments")]
    [InlineData("protected-mode maybe", "argument must be 'yes' or 'no'")]
    [InlineData("daemonize 1", "argument must be 'yes' or 'no'")]
    [InlineData("loglevel loud", "argument(s) must be one of the following: debug, verbose, notice, warning, nothing")]
    [InlineData("supervised sometimes", "argument(s) must be one of the following: upstart, systemd, auto, no")]
    [InlineData("tls-auth-clients maybe", "argument(s) must be one of the following: no, yes, optional")]
    [InlineData("enable-debug-command maybe", "argument(s) must be one of the following: no, yes, local")]
    [InlineData("shutdown-on-sigint", "argument(s) must be one of the following: default, save, nosave, now, force")]
    [InlineData("shutdown-on-sigterm save nosave", "shutdown options SAVE and NOSAVE can't be used simultaneously")]
    [InlineData("foo bar", "Bad directive or wrong number of arguments")]
    [InlineData("include", "Bad directive or wrong number of arguments")]
    [InlineData("user", "Bad directive or wrong number of arguments")]
    [InlineData("loadmodule", "Bad directive or wrong number of arguments")]
    [InlineData("rename-command ping", "Bad directive or wrong number of arguments")]
    [InlineData("list-max-ziplist-entries 1 2", "Bad directive or wrong number of arguments")]
    [InlineData("rename-command SET foo", "No such command in rename-command")]
    [InlineData("rename-command config x", "No such command in rename-command")]
    [InlineData("rename-command ping info", "Target command name already exists")]
    [InlineData("client-output-buffer-limit pubsub 32mb 8mb", "Wrong number of arguments in buffer limit configuration.")]
    [InlineData("client-output-buffer-limit master 32mb 8mb 60", "Invalid client class specified in buffer limit configuration.")]
    [InlineData("client-output-buffer-limit pubsub 32xb 8mb 60", "Error in hard, soft or soft_seconds setting in buffer limit configuration.")]
    [InlineData("client-output-buffer-limit normal 1 2 -1", "Error in hard, soft or soft_seconds setting in buffer limit configuration.")]
    [InlineData("client-output-buffer-limit normal 1 2 x", "Error in hard, soft or soft_seconds setting in buffer limit configuration.")]
    [InlineData("proto-max-bulk-len 1kb", "argument must be between 1048576 and 9223372036854775807 inclusive")]
    [InlineData("proto-max-bulk-len 1zz", "argument must be a memory value")]
    [InlineData("maxclients 0", "argument must be between 1 and 4294967295 inclusive")]
    [InlineData("maxclients -1", "argument must be between 1 and 4294967295 inclusive")]
    [InlineData("unixsocketperm 999", "argument couldn't be parsed as an octal number")]
    [InlineData("unixsocketperm 1777", "argument must be between 0 and 777 inclusive")]
    [InlineData("maxmemory-clients 200%", "percentage argument must be less or equal to 100")]
    [InlineData("foo.bar", "Module config specified without value")]
    [InlineData("bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17", "Too many bind addresses specified.")]
    [InlineData("requirepass \"abc", "Unbalanced quotes in configuration line")]
    [InlineData("requirepass \"abc\"x", "Unbalanced quotes in configuration line")]
    [InlineData("requirepass 'abc", "Unbalanced quotes in configuration line")]
    [InlineData("save 900", "Invalid save parameters")]
    [InlineData("save \"900 1\" 300", "Invalid save parameters")]
    [InlineData("oom-score-adj-values 1 2", "wrong number of arguments")]
    [InlineData("dbfilename a/b", "dbfilename can't be a path, just a filename")]
    [InlineData("notify-keyspace-events Q", "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")]
    [InlineData("replicaof 1.2.3.4 x", "Invalid master port")]
    [InlineData("latency-tracking-info-percentiles abc", "Invalid latency-tracking-info-percentiles parameters")]
    [InlineData("latency-tracking-info-percentiles 50 101", "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]")]
    [InlineData("proc-title-template \"{bad}\"", "template format is invalid or contains unknown variables")]
    [InlineData("proc-title-template \"\"", "template format is invalid or contains unknown variables")]
    [InlineData("cluster-announce-hostname \"a_b\"", "Hostnames may only contain alphanumeric characters, hyphens or dots")]
    public void ServerDirectiveErrorIsReportedAtItsLine(string badLine, string message)
    {
        ConfigError error = ParseError(Lines("port 48190", badLine, "loglevel notice"));

        Assert.Equal(new ConfigError(ConfigPath, 2, badLine, message), error);
    }

    [Theory]
    [InlineData("sentinel monitor m2 127.0.0.1 48001 0", "Quorum must be 1 or greater.")]
    [InlineData("sentinel monitor m2 127.0.0.1 48001 x", "Quorum must be 1 or greater.")]
    [InlineData("sentinel monitor m2 127.0.0.1 70000 2", "Invalid port number.")]
    [InlineData("sentinel monitor m2 127.0.0.1 -1 2", "Invalid port number.")]
    [InlineData("sentinel monitor m2 localhost 48001 2", "Can't resolve instance hostname.")]
    [InlineData("sentinel monitor m 127.0.0.2 48001 2", "Duplicate master name.")]
    [InlineData("sentinel monitor m2 127.0.0.1 48001", "Unrecognized sentinel configuration statement.")]
    [InlineData("sentinel foo", "Unrecognized sentinel configuration statement.")]
    [InlineData("sentinel down-after-milliseconds m 0", "negative or zero time parameter.")]
    [InlineData("sentinel failover-timeout m -5", "negative or zero time parameter.")]
    [InlineData("sentinel down-after-milliseconds x 10", "No such master with specified name.")]
    [InlineData("sentinel auth-pass M secret", "No such master with specified name.")]
    [InlineData("sentinel master-reboot-down-after-period m -1", "negative time parameter.")]
    [InlineData("sentinel myid abc", "Malformed Sentinel id in myid option.")]
    [InlineData("sentinel notification-script m /nonexistent", "Notification script seems non existing or non executable.")]
    [InlineData("sentinel client-reconfig-script m /nonexistent", "Client reconfiguration script seems non existing or non executable.")]
    [InlineData("sentinel deny-scripts-reconfig maybe", "Please specify yes or no for the deny-scripts-reconfig options.")]
    [InlineData("sentinel resolve-hostnames maybe", "Please specify yes or no for the resolve-hostnames option.")]
    [InlineData("sentinel announce-hostnames maybe", "Please specify yes or no for the announce-hostnames option.")]
    [InlineData("sentinel known-replica m 127.0.0.1 70000", "Invalid port number.")]
    [InlineData("sentinel known-replica m replica.example 6379", "Can't resolve instance hostname.")]
    [InlineData("sentinel known-sentinel m 127.0.0.1 70000 0123456789012345678901234567890123456789", "Invalid port number.")]
    public void SentinelDirectiveErrorIsReportedAtItsLine(string badLine, string message)
    {
        ConfigError error = ParseError(Lines(Monitor, badLine, "sentinel parallel-syncs m 1"));

        Assert.Equal(new ConfigError(ConfigPath, 2, badLine, message), error);
    }

    [Theory]
    [InlineData("sentinel rename-command m CONFIG c1", "sentinel rename-command m config c2", "Same command renamed multiple times with rename-command.")]
    [InlineData("sentinel known-replica m 127.0.0.1 1", "sentinel known-replica m 127.0.0.001 1", "Duplicate hostname and port for replica.")]
    [InlineData("sentinel known-slave m ::1 1", "sentinel known-replica m 0:0::1 1", "Duplicate hostname and port for replica.")]
    [InlineData("sentinel known-sentinel m 127.0.0.1 5 abc", "sentinel known-sentinel m 127.0.0.2 6 abc", "Duplicate runid for sentinel.")]
    [InlineData("rename-command ping \"\"", "rename-command ping x", "No such command in rename-command")]
    [InlineData("rename-command ping p1", "rename-command ping p2", "No such command in rename-command")]
    public void SecondOfTwoClashingLinesIsBlamed(string first, string second, string message)
    {
        ConfigError error = ParseError(Lines(Monitor, first, second));

        Assert.Equal(new ConfigError(ConfigPath, 3, second, message), error);
    }

    [Fact]
    public void ErrorLineTextIsTheTrimmedLine()
    {
        ConfigError error = ParseError("port 1\r\n   \t port 99999  \r\n");

        Assert.Equal(2, error.LineNumber);
        Assert.Equal("port 99999", error.LineText);
    }

    [Fact]
    public void BlankAndCommentLinesCountInLineNumbers()
    {
        ConfigError error = ParseError(Lines("# comment", "", "   # indented comment", "bogus"));

        Assert.Equal(4, error.LineNumber);
    }

    [Fact]
    public void ServerErrorAfterSentinelErrorIsReportedFirst()
    {
        // Sentinel lines only apply after the whole file has been read.
        ConfigError error = ParseError(Lines("sentinel monitor m 127.0.0.1 1 0", "port -1"));

        Assert.Equal(2, error.LineNumber);
        Assert.Equal("argument must be between 0 and 65535 inclusive", error.Message);
    }

    [Fact]
    public void MissingDirectoryIsRefusedWithTheSystemText()
    {
        ConfigError error = ParseError(Lines("port 1", "dir /missing"), missingDirectories: new HashSet<string> { "/missing" });

        Assert.Equal(new ConfigError(ConfigPath, 2, "dir /missing", "No such file or directory"), error);
    }

    [Fact]
    public void FormatRendersTheReferenceBannerWithTheFileName()
    {
        var error = new ConfigError("/etc/redis/sentinel.conf", 2, "sentinel monitor m 127.0.0.1 48001 0", "Quorum must be 1 or greater.");

        Assert.Equal(
            "\n*** FATAL CONFIG FILE ERROR (Vigil) ***\n"
            + "Reading the configuration file /etc/redis/sentinel.conf, at line 2\n"
            + ">>> 'sentinel monitor m 127.0.0.1 48001 0'\n"
            + "Quorum must be 1 or greater.\n",
            error.Format());
    }

    [Fact]
    public void FormatOmitsTheLineWhenTheErrorHasNone()
    {
        var error = new ConfigError("/etc/redis/sentinel.conf", 0, "", "Can't open the log file: Permission denied");

        Assert.Equal("\n*** FATAL CONFIG FILE ERROR (Vigil) ***\nCan't open the log file: Permission denied\n", error.Format());
    }
}
