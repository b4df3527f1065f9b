using System.Net;
using System.Net.Http.Headers;
using Vigil.Integration.Http;
using Vigil.Integration.Infrastructure;
using Vigil.Resp;

namespace Vigil.Integration.Proxy;

/// <summary>
/// <c>--tls</c>: the proxy follows sentinels it can only reach over TLS and checks a TLS-only master's role over
/// TLS, while a TLS client's bytes pass through unchanged to Redis. <c>--http</c>: the counters at
/// <c>/metrics</c>, read by the Prometheus project's parser, move with the connections; the token, 404 and
/// 405 rules hold.
/// </summary>
[Collection(ProxyCollection.Name)]
public sealed class ProxyTlsAndHttpTests : IDisposable
{
    private const string Master = "mymaster";

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task WithTlsTheProxyFollowsTlsSentinelsAndATlsClientReachesTheMasterThroughIt()
    {
        var certificates = TestCertificates.Create(_dir.File("tls"));
        using var master = await RedisNodes.StartRedisOnPortAsync(_dir, FreePort.Next(), [], certificates);
        var sentinelTlsPort = FreePort.Next();
        using var sentinel = await RedisNodes.StartVigilAsync(_dir,
            [$"sentinel monitor {Master} 127.0.0.1 {master.Port} 1", "sentinel down-after-milliseconds mymaster 20000", .. certificates.SentinelLines(sentinelTlsPort)]);
        using var proxy = ProxyProcess.Start(_dir, [sentinelTlsPort], replicas: false,
            "--tls", "--tls-cert-file", certificates.CertFile, "--tls-key-file", certificates.KeyFile, "--tls-ca-cert-file", certificates.CaFile);

        // Both the sentinel (SENTINEL MASTER over TLS) and the master (ROLE over TLS) had to be reached for this line.
        await Wait.UntilAsync(() => proxy.Log.Contains($"forwarding to master 127.0.0.1:{master.Port}", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), $"the proxy confirming the TLS master; proxy log: {proxy.Log}");
        var reply = await Cli.RedisCliAsync(proxy.Port, [.. certificates.CliArgs(), "SET", "through", "tls"]);
        Assert.Equal("OK\n", reply.Stdout);
        Assert.Equal("tls\n", (await Cli.RedisCliAsync(master.Port, [.. certificates.CliArgs(), "GET", "through"])).Stdout);
    }

    [Fact]
    public async Task WithHttpTheCountersAreScrapedBehindTheTokenAndMoveWithConnections()
    {
        using var master = await RedisNodes.StartRedisAsync(_dir);
        using var sentinel = await RedisNodes.StartVigilAsync(_dir, [$"sentinel monitor {Master} 127.0.0.1 {master.Port} 1"]);
        var tokenFile = _dir.File("metrics-token");
        await File.WriteAllTextAsync(tokenFile, "s3cret-token\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var httpPort = FreePort.Next();
        using var proxy = ProxyProcess.Start(_dir, [sentinel.Port], replicas: false, "--http", $"127.0.0.1:{httpPort}", "--http-token-file", tokenFile);
        await proxy.WaitForwardingAsync(TimeSpan.FromSeconds(20));

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(10) };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/metrics")).StatusCode);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-token");
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.PostAsync("/metrics", null)).StatusCode);

        var before = await ScrapeAsync(http);
        var acceptedBefore = before.Value("vigil_proxy_connections_accepted_total", ("master_name", Master));
        Assert.True(acceptedBefore >= 1, $"connections accepted before: {acceptedBefore}");
        Assert.Equal(0, before.Value("vigil_proxy_fenced_connections_total", ("master_name", Master)));

        var clients = new List<RespTestClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var client = await RespTestClient.ConnectAsync(proxy.Port);
                clients.Add(client);
                Assert.Equal("+PONG", RespText.Render(await client.CallAsync("PING")));
            }
            var after = await ScrapeAsync(http);
            Assert.True(after.Value("vigil_proxy_connections_accepted_total", ("master_name", Master)) >= acceptedBefore + 3,
                $"connections accepted: {acceptedBefore} before three more, {after.Value("vigil_proxy_connections_accepted_total", ("master_name", Master))} after");
            Assert.True(after.Value("vigil_proxy_connections_active", ("master_name", Master)) >= 3,
                $"active connections with three open: {after.Value("vigil_proxy_connections_active", ("master_name", Master))}");
        }
        finally
        {
            foreach (var client in clients) await client.DisposeAsync();
        }
    }

    private static async Task<IReadOnlyList<MetricSample>> ScrapeAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await PrometheusText.ParseAsync(await response.Content.ReadAsStringAsync());
    }
}
