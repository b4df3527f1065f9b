using Vigil.Proxy;

namespace Vigil.Proxy.Tests;

public sealed class ProxyOptionsTests
{
    private static readonly string[] Minimal = ["--listen", "127.0.0.1:6380", "--sentinel", "10.0.0.1:26379", "--master-name", "mymaster"];

    [Fact]
    public void EveryOptionIsRead()
    {
        var options = ProxyOptions.Parse(
            [.. Minimal, "--sentinel", "[::1]:26380", "--replicas-listen", "0.0.0.0:6381", "--user", "u", "--pass", "p",
             "--failover-wait-ms", "2000", "--role-check-ms", "100", "--client-stall-ms", "500", "--io-threads", "3"], out var error);
        Assert.Null(error);
        Assert.NotNull(options);
        Assert.Equal(new HostPort("127.0.0.1", 6380), options.Listen);
        Assert.Equal([new HostPort("10.0.0.1", 26379), new HostPort("::1", 26380)], options.Sentinels);
        Assert.Equal("mymaster", options.MasterName);
        Assert.Equal(new HostPort("0.0.0.0", 6381), options.ReplicasListen);
        Assert.Equal(("u", "p"), (options.User, options.Password));
        Assert.Equal((2000, 100, 500), (options.FailoverWaitMs, options.RoleCheckMs, options.ClientStallMs));
        Assert.Equal(3, options.IoThreads);
    }

    [Fact]
    public void DefaultsApplyWhenOnlyTheRequiredOptionsAreGiven()
    {
        var options = ProxyOptions.Parse(Minimal, out _)!;
        Assert.Null(options.ReplicasListen);
        Assert.Null(options.Password);
        Assert.Equal((5000, 200, 10_000), (options.FailoverWaitMs, options.RoleCheckMs, options.ClientStallMs));
        Assert.Equal(Environment.ProcessorCount, options.IoThreads);
    }

    [Theory]
    [InlineData("--listen is required", "--sentinel", "h:1", "--master-name", "m")]
    [InlineData("at least one --sentinel is required", "--listen", "h:1", "--master-name", "m")]
    [InlineData("--master-name is required", "--listen", "h:1", "--sentinel", "h:2")]
    [InlineData("--listen 'nohost' is not HOST:PORT", "--listen", "nohost")]
    [InlineData("--sentinel 'h:70000' is not HOST:PORT", "--sentinel", "h:70000")]
    [InlineData("--sentinel needs a value", "--sentinel")]
    [InlineData("unknown option '--frobnicate'", "--frobnicate", "1")]
    [InlineData("--role-check-ms '5' is not a number of milliseconds >= 10", "--role-check-ms", "5")]
    [InlineData("--io-threads '0' is not a number of threads from 1 to 64", "--io-threads", "0")]
    [InlineData("--io-threads 'many' is not a number of threads from 1 to 64", "--io-threads", "many")]
    [InlineData("--user needs --pass", "--listen", "h:1", "--sentinel", "h:2", "--master-name", "m", "--user", "u")]
    public void BadArgumentsAreNamed(string expected, params string[] args)
    {
        Assert.Null(ProxyOptions.Parse(args, out var error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("--tls needs --tls-cert-file and --tls-key-file", "--tls")]
    [InlineData("--tls needs --tls-ca-cert-file or --tls-ca-cert-dir to check the servers' certificates", "--tls", "--tls-cert-file", "c.pem", "--tls-key-file", "k.pem")]
    [InlineData("the --tls-* files need --tls", "--tls-cert-file", "c.pem")]
    [InlineData("--http-token-file needs --http", "--http-token-file", "t")]
    [InlineData("--http 'nowhere:80': takes ADDR:PORT (an IP address or localhost, and a port 0-65535) or a bare PORT for 127.0.0.1", "--http", "nowhere:80")]
    public void TlsAndHttpMistakesAreNamed(string expected, params string[] args)
    {
        Assert.Null(ProxyOptions.Parse([.. Minimal, .. args], out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void TlsAndHttpOptionsAreRead()
    {
        var options = ProxyOptions.Parse(
            [.. Minimal, "--http", "9121", "--http-token-file", "token", "--tls", "--tls-cert-file", "c.pem", "--tls-key-file", "k.pem", "--tls-ca-cert-file", "ca.pem"],
            out var error);
        Assert.Null(error);
        Assert.Equal("127.0.0.1:9121", options!.Http!.ToString());
        Assert.Equal("token", options.HttpTokenFile);
        Assert.Equal(("c.pem", "k.pem", "ca.pem", true), (options.Tls!.CertFile, options.Tls.KeyFile, options.Tls.CaCertFile, options.Tls.TlsReplication));
        Assert.Null(ProxyOptions.Parse(Minimal, out _)!.Tls);
    }

    [Theory]
    [InlineData("127.0.0.1:6379", "127.0.0.1", 6379)]
    [InlineData("redis.internal:26379", "redis.internal", 26379)]
    [InlineData("[::1]:6380", "::1", 6380)]
    public void AddressesParseAndPrintBack(string text, string host, int port)
    {
        var parsed = HostPort.TryParse(text);
        Assert.Equal(new HostPort(host, port), parsed);
        Assert.Equal(text, parsed!.Value.ToString());
    }

    [Theory]
    [InlineData(":6379")]
    [InlineData("host:")]
    [InlineData("host:0")]
    [InlineData("host:-1")]
    [InlineData("host")]
    public void MalformedAddressesAreRejected(string text) => Assert.Null(HostPort.TryParse(text));
}
