using System.Net.Http.Headers;
using Vigil.Integration.Http;
using Vigil.Integration.Infrastructure;
using Vigil.Resp;

namespace Vigil.Integration.Proxy;

/// <summary>
/// The node the sentinels name is only a proposal until it reports role master itself; meanwhile a new client
/// connection waits for it instead of being refused or forwarded to a replica.
/// </summary>
[Collection(ProxyCollection.Name)]
public sealed class ProxyMasterConfirmationTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AConnectionWaitsUntilTheNamedNodeConfirmsRoleMasterAndIsThenForwardedToIt()
    {
        using var realMaster = await RedisNodes.StartRedisAsync(_dir);
        // The sentinel is told to watch a node that is still a replica (down-after long enough that it never judges it).
        using var named = await RedisNodes.StartRedisAsync(_dir, "--replicaof", "127.0.0.1", realMaster.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var sentinel = await RedisNodes.StartVigilAsync(_dir,
            [$"sentinel monitor {Topology.MasterName} 127.0.0.1 {named.Port} 1", $"sentinel down-after-milliseconds {Topology.MasterName} 60000"]);
        var httpPort = FreePort.Next();
        using var proxy = ProxyProcess.Start(_dir, [sentinel.Port], replicas: false,
            "--failover-wait-ms", "60000", "--http", $"127.0.0.1:{httpPort}");
        await Wait.UntilAsync(() => proxy.Log.Contains($"proposed: 127.0.0.1:{named.Port}", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), $"the proxy hearing of the named node; proxy log: {proxy.Log}");

        // A write sent now would be refused with READONLY by the replica if the proxy forwarded it there.
        await using var client = await RespTestClient.ConnectAsync(proxy.Port);
        await client.SendRawAsync("*3\r\n$3\r\nSET\r\n$6\r\nwaited\r\n$3\r\nyes\r\n");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain"));
        await Wait.UntilAsync(async () =>
        {
            var samples = await PrometheusText.ParseAsync(await http.GetStringAsync("/metrics"));
            return samples.Value("vigil_proxy_connections_accepted_total", ("master_name", Topology.MasterName)) >= 1;
        }, TimeSpan.FromSeconds(20), "the proxy accepting the client");
        var held = await PrometheusText.ParseAsync(await http.GetStringAsync("/metrics"));
        Assert.Equal(0, held.Value("vigil_proxy_connections_active", ("master_name", Topology.MasterName)));
        Assert.Equal(0, held.Value("vigil_proxy_connections_refused_total", ("master_name", Topology.MasterName)));
        Assert.DoesNotContain("forwarding to master", proxy.Log, StringComparison.Ordinal);

        Assert.Equal(RespValue.Ok, await Topology.CallAsync(named, "REPLICAOF", "NO", "ONE"));
        Assert.Equal(RespValue.Ok, await client.ReadAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains($"forwarding to master 127.0.0.1:{named.Port} of '{Topology.MasterName}' (confirmed role master)", proxy.Log, StringComparison.Ordinal);
        Assert.Equal("yes", Assert.IsType<RespBulkString>(await Topology.CallAsync(named, "GET", "waited")).Text);
        Assert.IsType<RespNull>(await Topology.CallAsync(realMaster, "GET", "waited"));
    }
}
