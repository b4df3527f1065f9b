using Vigil.Sentinel.Config;
using static Vigil.Sentinel.Tests.Config.ConfigTestParsing;

namespace Vigil.Sentinel.Tests.Config;

/// <summary>
/// Arguments after the config path read as lines appended to the file, as redis-server builds them:
/// each <c>--name</c> starts a line and every other argument is added to it quoted.
/// </summary>
public sealed class CommandLineOverrideTests
{
    [Fact]
    public void OverridesWinOverTheFile()
    {
        SentinelConfig config = ParseOk("port 26379\nloglevel debug\n", ["--port", "1234", "--loglevel", "warning"]);

        Assert.Equal(1234, config.Server.Port);
        Assert.Equal(LogLevel.Warning, config.Server.LogLevel);
    }

    [Fact]
    public void OneOptionTakesSeveralValues()
    {
        SentinelConfig config = ParseOk("", ["--port", "1234", "--sentinel", "--bind", "127.0.0.1", "::1"]);

        Assert.Equal(["127.0.0.1", "::1"], config.Server.Bind);
        Assert.Equal(1234, config.Server.Port);
    }

    [Fact]
    public void SentinelWithWordsIsASentinelDirective()
    {
        SentinelConfig config = ParseOk("", ["--sentinel", "monitor", "m", "1.2.3.4", "6379", "2", "--sentinel", "down-after-milliseconds", "m", "500"]);

        MasterConfig master = Assert.Single(config.Masters);
        Assert.Equal(("1.2.3.4", 6379, 2, 500L), (master.Host, master.Port, master.Quorum, master.DownAfterMs));
    }

    [Theory]
    [InlineData("--sentinel")]
    [InlineData("--sentinel --port 1234")]
    [InlineData("--port 1234 --sentinel")]
    public void BareSentinelOnlySelectsTheMode(string commandLine)
    {
        ConfigParseResult result = Parse("sentinel monitor m 10.0.0.1 1 1\n", commandLine.Split(' '));

        Assert.True(result.IsSuccess, result.Error?.Format());
        Assert.Single(result.Config.Masters);
    }

    [Fact]
    public void OptionWithItsValueInOneArgument()
    {
        Assert.Equal(6380, ParseOk("", ["--port 6380"]).Server.Port);
    }

    [Fact]
    public void ValueAfterABareNameMayStartWithDashes()
    {
        // "--requirepass --secret": the password is "--secret".
        Assert.Equal("--secret", ParseOk("", ["--requirepass", "--secret"]).Server.RequirePass);
    }

    [Fact]
    public void ValuesWithSpacesSurviveQuoting()
    {
        Assert.Equal("a \"b\" c", ParseOk("", ["--requirepass", "a \"b\" c"]).Server.RequirePass);
    }

    [Fact]
    public void SingleValueOfAMultiValueOptionIsSplitIntoWords()
    {
        Assert.Equal(["127.0.0.1", "::1"], ParseOk("", ["--bind", "127.0.0.1 ::1"]).Server.Bind);
    }

    [Fact]
    public void BareSaveMeansEmptySaveList()
    {
        Assert.True(Parse("", ["--save", "--port", "1"]).IsSuccess);
        Assert.True(Parse("", ["--port", "1", "--save"]).IsSuccess);
    }

    [Theory]
    // File ending in a newline: its last (empty) line is 3, a separating newline makes 4 the first override.
    [InlineData("port 48190\nsentinel monitor m 127.0.0.1 48001 2\n", 4)]
    [InlineData("port 48190\nsentinel monitor m 127.0.0.1 48001 2", 3)]
    [InlineData("", 2)]
    public void OverrideErrorsAreNumberedAfterTheFileLikeRedis(string file, int line)
    {
        ConfigError error = ParseError(file, ["--port", "70000"]);

        Assert.Equal(new ConfigError(ConfigPath, line, "port \"70000\"", "argument must be between 0 and 65535 inclusive"), error);
    }

    [Fact]
    public void BareSentinelTakesALineOfItsOwn()
    {
        ConfigError error = ParseError("port 48190\n", ["--sentinel", "--loglevel", "foo"]);

        Assert.Equal(4, error.LineNumber);
        Assert.Equal("loglevel \"foo\"", error.LineText);
    }

    [Fact]
    public void SentinelOverrideErrorShowsTheQuotedLine()
    {
        ConfigError error = ParseError("port 48190\n", ["--sentinel", "monitor", "m", "localhost", "48001", "2"]);

        Assert.Equal(new ConfigError(ConfigPath, 3, "sentinel \"monitor\" \"m\" \"localhost\" \"48001\" \"2\"", "Can't resolve instance hostname."), error);
    }

    [Fact]
    public void NonAsciiValuesAreShownEscaped()
    {
        ConfigError error = ParseError("", ["--loglevel", "é"]);

        Assert.Equal("loglevel \"\\xc3\\xa9\"", error.LineText);
    }

    [Fact]
    public void StrayValueBeforeAnyOptionIsABadDirective()
    {
        ConfigError error = ParseError("", ["stray"]);

        Assert.Equal("Bad directive or wrong number of arguments", error.Message);
        Assert.Equal("\"stray\"", error.LineText);
    }

    [Fact]
    public void TrailingDashForStdinIsIgnored()
    {
        Assert.Equal(7000, ParseOk("", ["--port", "7000", "-"]).Server.Port);
    }
}
