using System.Globalization;
using System.Text;
using Vigil.Integration.Http;
using Vigil.Integration.Infrastructure;
using Vigil.Resp;

namespace Vigil.Integration.Proxy;

/// <summary>
/// What the proxy does when things go wrong around it: sentinels that are not there yet, sentinels that
/// all go away, a client that sends garbage, a client that never reads its replies.
/// </summary>
[Collection(ProxyCollection.Name)]
public sealed class ProxyBadInputTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly List<IDisposable> _processes = [];

    public void Dispose()
    {
        foreach (var process in _processes) process.Dispose();
        _dir.Dispose();
    }

    private static string[] MonitorConfig(int masterPort) =>
    [
        $"sentinel monitor {Topology.MasterName} 127.0.0.1 {masterPort.ToString(CultureInfo.InvariantCulture)} 1",
        $"sentinel down-after-milliseconds {Topology.MasterName} 5000",
    ];

    private ProxyProcess StartProxy(int sentinelPort, params string[] extra)
    {
        var proxy = ProxyProcess.Start(_dir, [sentinelPort], replicas: false, ["--failover-wait-ms", "500", .. extra]);
        _processes.Add(proxy);
        return proxy;
    }

    private static void AssertLogged(ProxyProcess proxy, string text) =>
        Assert.True(proxy.Log.Contains(text, StringComparison.Ordinal), $"the proxy did not log \"{text}\"; its log: {proxy.Log}");

    [Fact]
    public async Task UnreachableSentinelIsRetriedAndGarbageOrUnreadClientsAloneAreDropped()
    {
        var master = await RedisNodes.StartRedisAsync(_dir);
        _processes.Add(master);
        var sentinelPort = FreePort.Next();
        var proxy = StartProxy(sentinelPort, "--client-stall-ms", "500");

        // No sentinel yet: a clear error in the log, and a client is told why after the bounded wait.
        await Wait.UntilAsync(() => proxy.Log.Contains("error: none of the 1 sentinels can be asked", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), "the proxy reporting that no sentinel can be asked");
        await using (var early = await RespTestClient.ConnectAsync(proxy.Port))
        {
            var reply = await early.CallAsync("PING");
            Assert.True(reply is RespError { Text: var text } && text.Contains("no master", StringComparison.Ordinal), RespText.Render(reply));
        }

        // The sentinel comes up: the proxy finds it on its own and forwards.
        _processes.Add(await RedisNodes.StartVigilAsync(_dir, MonitorConfig(master.Port), sentinelPort));
        await proxy.WaitForwardingAsync(TimeSpan.FromSeconds(20));
        AssertLogged(proxy, $"sentinel 127.0.0.1:{sentinelPort} answers again");

        await using var healthy = await RespTestClient.ConnectAsync(proxy.Port);
        Assert.Equal("+OK", RespText.Render(await healthy.CallAsync("SET", "big", new string('x', 1 << 20))));

        // Garbage reaches Redis unchanged; Redis answers a protocol error and closes; only that client is gone.
        await using (var garbage = await RespTestClient.ConnectAsync(proxy.Port))
        {
            await garbage.SendRawAsync("\u0001garbage\r\n*x\r\n");
            Assert.True(await garbage.IsClosedByServerAsync(TimeSpan.FromSeconds(5)), "the garbage-sending client was not disconnected; " + proxy.Log);
        }
        Assert.Equal("+PONG", RespText.Render(await healthy.CallAsync("PING")));

        // A client that asks for 64 MB of replies and never reads them is dropped once its sends stall; the rest go on.
        await using (var deaf = await RespTestClient.ConnectAsync(proxy.Port))
        {
            await deaf.SendRawAsync(string.Concat(Enumerable.Repeat("GET big\r\n", 64)));
            await Wait.UntilAsync(() => proxy.Log.Contains("dropped 1 client that left replies unread", StringComparison.Ordinal),
                TimeSpan.FromSeconds(20), "the proxy dropping the client that does not read");
        }
        Assert.Equal("+PONG", RespText.Render(await healthy.CallAsync("PING")));
    }

    [Fact]
    public async Task WithEverySentinelGoneTheMasterIsKeptOnlyWhileItReportsRoleMaster()
    {
        var master = await RedisNodes.StartRedisAsync(_dir);
        _processes.Add(master);
        var sentinel = await RedisNodes.StartVigilAsync(_dir, MonitorConfig(master.Port));
        _processes.Add(sentinel);
        var httpPort = FreePort.Next();
        var proxy = StartProxy(sentinel.Port, "--role-check-ms", "100", "--http", $"127.0.0.1:{httpPort}");
        await proxy.WaitForwardingAsync(TimeSpan.FromSeconds(20));
        await using var client = await RespTestClient.ConnectAsync(proxy.Port);
        Assert.Equal("+OK", RespText.Render(await client.CallAsync("SET", "k", "1")));

        await sentinel.KillAsync();
        await Wait.UntilAsync(() => proxy.Log.Contains("none of the 1 sentinels can be asked; keeping master", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), "the proxy noticing that every sentinel is gone");
        // Still a master: existing and new connections keep working.
        Assert.Equal("+OK", RespText.Render(await client.CallAsync("SET", "k", "2")));
        await using (var fresh = await RespTestClient.ConnectAsync(proxy.Port))
        {
            Assert.Equal("+OK", RespText.Render(await fresh.CallAsync("SET", "k", "3")));
        }

        // The node is demoted behind the proxy's back: its connections are closed and no new one reaches it.
        var nowhere = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        Assert.Equal("+OK", RespText.Render(await Topology.CallAsync(master, "REPLICAOF", "127.0.0.1", nowhere)));
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)), "the connection to the demoted master stayed open");
        await Wait.UntilAsync(() => proxy.Log.Contains($"fenced master 127.0.0.1:{master.Port}: it reports role slave", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "the proxy logging why it fenced the master");
        await using (var late = await RespTestClient.ConnectAsync(proxy.Port))
        {
            var reply = await late.CallAsync("SET", "k", "4");
            Assert.True(reply is RespError { Text: var text } && text.Contains("no master", StringComparison.Ordinal), RespText.Render(reply));
        }
        Assert.Equal("3", ((RespBulkString)await Topology.CallAsync(master, "GET", "k")).Text);

        // The fence is counted where operators look for it.
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(10) };
        var samples = await PrometheusText.ParseAsync(await http.GetStringAsync("/metrics"));
        Assert.True(samples.Value("vigil_proxy_fenced_connections_total", ("master_name", Topology.MasterName)) >= 1, "the fenced connection was not counted");
        Assert.True(samples.Value("vigil_proxy_connections_refused_total", ("master_name", Topology.MasterName)) >= 1, "the refused connection was not counted");
    }
}
