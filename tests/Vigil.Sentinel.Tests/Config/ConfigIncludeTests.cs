using Vigil.Sentinel.Config;
using static Vigil.Sentinel.Tests.Config.ConfigTestParsing;

namespace Vigil.Sentinel.Tests.Config;

/// <summary><c>include</c> reads another file in place, through the injected reader.</summary>
public sealed class ConfigIncludeTests
{
    [Fact]
    public void IncludedLinesApplyWhereTheIncludeStands()
    {
        var files = new Dictionary<string, string> { ["/etc/vigil/common.conf"] = "port 2000\nloglevel debug\n" };

        SentinelConfig config = ParseOk(Lines("port 1000", "include /etc/vigil/common.conf", "loglevel warning"), includes: files);

        Assert.Equal(2000, config.Server.Port);
        Assert.Equal(LogLevel.Warning, config.Server.LogLevel);
    }

    [Fact]
    public void IncludedSentinelLinesJoinTheThreePasses()
    {
        var files = new Dictionary<string, string> { ["masters.conf"] = "sentinel monitor m 10.0.0.1 6379 2\n" };

        SentinelConfig config = ParseOk(Lines("sentinel known-replica m 10.0.0.2 6379", "include masters.conf"), includes: files);

        Assert.Single(Assert.Single(config.Masters).KnownReplicas);
    }

    [Fact]
    public void ErrorInsideAnIncludeNamesThatFileAndItsLine()
    {
        var files = new Dictionary<string, string> { ["/etc/vigil/extra.conf"] = "# extra\nport 1\nport nope\n" };

        ConfigError error = ParseError(Lines("port 5", "include /etc/vigil/extra.conf"), includes: files);

        Assert.Equal(new ConfigError("/etc/vigil/extra.conf", 3, "port nope", "argument couldn't be parsed into an integer"), error);
    }

    [Fact]
    public void SentinelErrorInsideAnIncludeNamesThatFileAndItsLine()
    {
        var files = new Dictionary<string, string> { ["inc.conf"] = "\nsentinel monitor m 10.0.0.1 6379 0\n" };

        ConfigError error = ParseError("include inc.conf\n", includes: files);

        Assert.Equal(new ConfigError("inc.conf", 2, "sentinel monitor m 10.0.0.1 6379 0", "Quorum must be 1 or greater."), error);
    }

    [Fact]
    public void UnreadableIncludeIsRefusedAtTheIncludeLine()
    {
        ConfigError error = ParseError(Lines("port 1", "include /missing.conf"));

        Assert.Equal(new ConfigError(ConfigPath, 2, "include /missing.conf", "Fatal error, can't open config file '/missing.conf'"), error);
    }

    [Fact]
    public void ReaderExceptionReasonIsReported()
    {
        ConfigParseResult result = ConfigFileParser.Parse(
            "include /locked.conf\n",
            ConfigPath,
            readInclude: path => throw new UnauthorizedAccessException($"Access to the path '{path}' is denied."));

        Assert.Equal("Fatal error, can't open config file '/locked.conf': Access to the path '/locked.conf' is denied.", result.Error?.Message);
    }

    [Fact]
    public void IncludeLoopIsRefused()
    {
        var files = new Dictionary<string, string> { ["a.conf"] = "include b.conf\n", ["b.conf"] = "include a.conf\n" };

        ConfigError error = ParseError("include a.conf\n", includes: files);

        Assert.Contains("nested includes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultReaderRefusesIncludes()
    {
        ConfigParseResult result = ConfigFileParser.Parse("include /etc/passwd\n", ConfigPath);

        Assert.False(result.IsSuccess);
        Assert.Equal(1, result.Error.LineNumber);
    }
}
