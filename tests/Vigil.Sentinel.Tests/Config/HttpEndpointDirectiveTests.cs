using System.Net;
using Vigil.Sentinel.Config;
using static Vigil.Sentinel.Tests.Config.ConfigTestParsing;

namespace Vigil.Sentinel.Tests.Config;

public sealed class HttpEndpointDirectiveTests
{
    [Theory]
    [InlineData("127.0.0.1:9479", "127.0.0.1", 9479)]
    [InlineData("9479", "127.0.0.1", 9479)]
    [InlineData("localhost:0", "127.0.0.1", 0)]
    [InlineData("0.0.0.0:80", "0.0.0.0", 80)]
    [InlineData("[::1]:9479", "::1", 9479)]
    public void Vigil_http_takes_an_address_and_a_port(string value, string address, int port)
    {
        var config = ParseOk(Lines("port 26380", $"vigil-http {value}", "vigil-http-token-file /etc/vigil/http.token"));
        Assert.Equal(new HttpEndpointAddress(IPAddress.Parse(address), port), config.Server.HttpEndpoint);
        Assert.Equal("/etc/vigil/http.token", config.Server.HttpTokenFile);
    }

    [Fact]
    public void The_endpoint_is_off_unless_configured()
    {
        var config = ParseOk(Lines("port 26380"));
        Assert.Null(config.Server.HttpEndpoint);
        Assert.Null(config.Server.HttpTokenFile);
    }

    [Theory]
    [InlineData("example.com:80")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("127.0.0.1:")]
    [InlineData("10.1:80")]
    [InlineData("::1:80")]
    [InlineData("-1")]
    public void A_bad_address_stops_the_load_with_the_line(string value)
    {
        var error = ParseError(Lines("port 26380", $"vigil-http {value}"));
        Assert.Equal(2, error.LineNumber);
        Assert.Contains("vigil-http takes ADDR:PORT", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_command_line_sets_it_as_a_directive()
    {
        var config = ParseOk(Lines("port 26380"), ["--vigil-http", "127.0.0.1:9000"]);
        Assert.Equal(9000, config.Server.HttpEndpoint!.Port);
    }
}
