using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Vigil.Integration.Infrastructure;
using Vigil.Resp;

namespace Vigil.Integration.Http;

/// <summary>
/// The endpoint's guard rails: a bearer token when one is configured, 404/405 for anything but the read-only routes,
/// and HTTP clients that never read or never finish a request do not slow the sentinel.
/// </summary>
public sealed class EndpointGuardTests
{
    private const string Token = "s3cret-token-for-tests";

    [Fact]
    public async Task Without_the_token_401_then_404_and_405_and_stuck_clients_do_not_slow_the_sentinel()
    {
        await using var group = new SentinelGroup();
        await group.StartMasterAsync();
        string tokenFile = group.Dir.File("http.token");
        File.WriteAllText(tokenFile, Token + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var sentinel = await HttpSentinel.StartAsync(group, group.SentinelConfig(quorum: 1), $"vigil-http-token-file {tokenFile}");

        foreach (var path in new[] { "", "metrics", "api/state", "api/events", "nope" })
        {
            using var anonymous = await HttpSentinel.Client.GetAsync(sentinel.BaseUrl + path);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            using var wrong = await SendAsync(HttpMethod.Get, sentinel.BaseUrl + path, "not-the-token");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        using (var missing = await SendAsync(HttpMethod.Get, sentinel.BaseUrl + "nope", Token))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete })
        {
            using var refused = await SendAsync(method, sentinel.BaseUrl + "metrics", Token);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, refused.StatusCode);
            Assert.Contains("GET", refused.Content.Headers.Allow);
        }
        using (var metrics = await SendAsync(HttpMethod.Get, sentinel.BaseUrl + "metrics", Token))
        {
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            var samples = await PrometheusText.ParseAsync(await metrics.Content.ReadAsStringAsync());
            Assert.Equal(1, samples.Value("redis_sentinel_masters"));
        }
        using (var page = await HttpSentinel.Client.GetAsync($"{sentinel.BaseUrl}?access_token={Token}"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("dashboard.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Clients that never read their event stream, and clients that never finish their request.
        var stuck = new List<Socket>();
        try
        {
            for (int i = 0; i < 20; i++)
            {
                stuck.Add(await OpenAsync(sentinel.HttpPort, $"GET /api/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {Token}\r\n\r\n"));
                stuck.Add(await OpenAsync(sentinel.HttpPort, "GET /metrics HTTP/1.1\r\nHost: x\r\n"));
            }
            await using var admin = await sentinel.Node.ConnectAsync();
            await using var pinger = await sentinel.Node.ConnectAsync();
            var events = await group.SubscribeAsync(sentinel.Node, "sentinel");
            // Events keep coming (each SENTINEL SET publishes +set) while the stuck clients' queues fill up.
            var slowest = TimeSpan.Zero;
            for (int i = 0; i < 200; i++)
            {
                Assert.IsType<RespSimpleString>(await admin.CallAsync("SENTINEL", "SET", Topology.MasterName, "quorum", (1 + i % 2).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                var started = Stopwatch.GetTimestamp();
                Assert.Equal("PONG", ((RespSimpleString)await pinger.CallAsync("PING")).Text);
                var took = Stopwatch.GetElapsedTime(started);
                if (took > slowest) slowest = took;
            }
            await group.WaitAsync(() => events.All.Count(e => e.Channel == "+set") >= 200, TimeSpan.FromSeconds(10), "200 +set events delivered to a RESP subscriber");
            // A loop that waited for a stuck client would stay stuck as long as the client does: every PING answered
            // within a bound far below that (and below any down-after) shows it did not. (Scheduling delays on a
            // loaded machine reach hundreds of ms, hence no tighter bound; the event queues' non-blocking writes
            // are tested deterministically in Vigil.Http.Tests.)
            Assert.True(slowest < TimeSpan.FromSeconds(2), $"slowest PING {slowest.TotalMilliseconds} ms");
            // The endpoint itself still answers a well-behaved client.
            using var metrics = await SendAsync(HttpMethod.Get, sentinel.BaseUrl + "metrics", Token);
            var samples = await PrometheusText.ParseAsync(await metrics.Content.ReadAsStringAsync());
            Assert.Equal(200, samples.Value("vigil_events_total", ("event", "+set")));
            Assert.NotNull(samples.Value("vigil_http_events_dropped_total"));
        }
        finally
        {
            foreach (var socket in stuck) socket.Dispose();
        }
    }

    [Fact]
    public async Task An_endpoint_that_cannot_start_stops_the_sentinel_with_exit_code_1()
    {
        await using var group = new SentinelGroup();
        await group.StartMasterAsync();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int busyPort = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var busy = await RedisNodes.StartVigilAsync(group.Dir, [.. group.SentinelConfig(quorum: 1), $"vigil-http 127.0.0.1:{busyPort}"], waitForPing: false);
        Assert.Equal(1, await busy.Process.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("Could not start the HTTP endpoint", busy.Process.Stdout + busy.Process.Stderr, StringComparison.Ordinal);

        using var noToken = await RedisNodes.StartVigilAsync(group.Dir,
            [.. group.SentinelConfig(quorum: 1), $"vigil-http 127.0.0.1:{FreePort.Next()}", $"vigil-http-token-file {group.Dir.File("missing.token")}"], waitForPing: false);
        Assert.Equal(1, await noToken.Process.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("vigil-http-token-file", noToken.Process.Stdout + noToken.Process.Stderr, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string token)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await HttpSentinel.Client.SendAsync(request);
    }

    private static async Task<Socket> OpenAsync(int port, string request)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 1024 };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        return socket;
    }
}
