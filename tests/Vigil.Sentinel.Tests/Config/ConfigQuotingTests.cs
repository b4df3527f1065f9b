using static Vigil.Sentinel.Tests.Config.ConfigTestParsing;

namespace Vigil.Sentinel.Tests.Config;

/// <summary>Words are split and unquoted as redis.conf does it (sdssplitargs).</summary>
public sealed class ConfigQuotingTests
{
    [Theory]
    [InlineData("requirepass plain", "plain")]
    [InlineData("requirepass \"two words\"", "two words")]
    [InlineData("requirepass 'two words'", "two words")]
    [InlineData("requirepass \"tab\\there\"", "tab\there")]
    [InlineData("requirepass \"nl\\nx\\r\\a\\b\"", "nl\nx\r\a\b")]
    [InlineData("requirepass \"\\x41\\x62c\"", "Abc")]
    [InlineData("requirepass \"\\xc3\\xa9\"", "é")]
    [InlineData("requirepass \"\\xZZ\"", "xZZ")]
    [InlineData("requirepass \"q\\\"uote\"", "q\"uote")]
    [InlineData("requirepass \"back\\\\slash\"", "back\\slash")]
    [InlineData("requirepass 'it\\'s'", "it's")]
    [InlineData("requirepass 'no\\nescape'", "no\\nescape")]
    [InlineData("requirepass pre\"fix ed\"", "prefix ed")]
    [InlineData("requirepass été", "été")]
    [InlineData("requirepass   spaced   ", "spaced")]
    [InlineData("requirepass\tafter-tab", "after-tab")]
    public void ValuesAreUnquotedLikeRedis(string line, string expected)
    {
        Assert.Equal(expected, ParseOk(line + "\n").Server.RequirePass);
    }

    [Theory]
    [InlineData("port 1\r\nport 2\r\n", 2)]
    [InlineData("port 1\nport 3", 3)]
    [InlineData("   port 4   \n", 4)]
    [InlineData("port 5\n# port 6\n", 5)]
    [InlineData("port 7\n\n\n", 7)]
    public void LinesAreTrimmedAndCommentsSkipped(string text, int port)
    {
        Assert.Equal(port, ParseOk(text).Server.Port);
    }

    [Fact]
    public void HashInsideALineIsNotAComment()
    {
        Assert.Equal("a#b", ParseOk("requirepass a#b\n").Server.RequirePass);
    }

    [Fact]
    public void TextAfterANulCharacterIsIgnored()
    {
        Assert.Equal(1, ParseOk("port 1\n\0port 99999\n").Server.Port);
    }

    [Fact]
    public void QuotedSentinelArgumentsKeepSpaces()
    {
        var master = Assert.Single(ParseOk("sentinel monitor \"my master\" 10.0.0.1 6379 2\nsentinel auth-pass 'my master' \"p w\"\n").Masters);

        Assert.Equal("my master", master.Name);
        Assert.Equal("p w", master.AuthPass);
    }
}
