using Vigil.Integration.Infrastructure;
using Vigil.Resp;

namespace Vigil.Integration.Host;

public sealed class SentinelServerTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task RedisCliPingHelloAndInfoSentinelWork()
    {
        using var vigil = await RedisNodes.StartVigilAsync(_dir, ["sentinel monitor mymaster 127.0.0.1 6 2"]);

        var ping = await Cli.RedisCliAsync(vigil.Port, "ping");
        Assert.Equal("PONG", ping.Stdout.Trim());

        var hello = await Cli.RedisCliAsync(vigil.Port, "-3", "hello", "3");
        Assert.Contains("proto", hello.Stdout);
        Assert.Contains("sentinel", hello.Stdout);

        var info = await Cli.RedisCliAsync(vigil.Port, "info", "sentinel");
        Assert.Contains("# Sentinel", info.Stdout);
        Assert.Contains("sentinel_masters:1", info.Stdout);
        Assert.DoesNotContain("# Server", info.Stdout);
        Assert.Equal("", vigil.Process.Stderr);
    }

    [Fact]
    public async Task RedisBenchmarkPingCompletes()
    {
        using var vigil = await RedisNodes.StartVigilAsync(_dir, []);
        var result = await Cli.RunAsync("redis-benchmark",
            ["-p", vigil.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-t", "ping", "-c", "50", "-n", "100000", "-q"],
            TimeSpan.FromMinutes(2));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("PING_INLINE", result.Stdout);
        Assert.Contains("PING_MBULK", result.Stdout);
        Assert.Contains("requests per second", result.Stdout);
    }

    [Fact]
    public async Task GarbageAndHugeBulkHeadersCloseOnlyTheOffendingConnection()
    {
        using var vigil = await RedisNodes.StartVigilAsync(_dir, []);
        await using var bystander = await vigil.ConnectAsync();

        await using (var huge = await vigil.ConnectAsync())
        {
            await huge.SendRawAsync("*1\r\n$1073741824\r\n");
            var reply = await huge.ReadAsync();
            Assert.Equal(new RespError("ERR Protocol error: invalid bulk length"), reply);
            Assert.True(await huge.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        }

        await using (var garbage = await vigil.ConnectAsync())
        {
            await garbage.SendRawAsync("*3\r\n$3\r\nfoo\r\n*x\r\n");
            var reply = await garbage.ReadAsync();
            Assert.IsType<RespError>(reply);
            Assert.StartsWith("ERR Protocol error", ((RespError)reply).Text);
            Assert.True(await garbage.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        }

        await using (var truncated = await vigil.ConnectAsync())
        {
            await truncated.SendRawAsync("*2\r\n$4\r\nPI");
        }

        var random = new Random(1234);
        for (var i = 0; i < 20; i++)
        {
            await using var noisy = await vigil.ConnectAsync();
            var bytes = new byte[random.Next(1, 2000)];
            random.NextBytes(bytes);
            await noisy.SendRawAsync(bytes);
        }

        Assert.Equal(new RespSimpleString("PONG"), await bystander.CallAsync("PING"));
        await using var fresh = await vigil.ConnectAsync();
        Assert.Equal(new RespSimpleString("PONG"), await fresh.CallAsync("PING"));
        Assert.False(vigil.Process.HasExited);
    }

    [Fact]
    public async Task MoreConnectionsThanMaxclientsAreRefusedWithRedisError()
    {
        using var vigil = await RedisNodes.StartVigilAsync(_dir, ["maxclients 3"]);
        var clients = new List<RespTestClient>();
        try
        {
            // The start-up probe's connection is closed by the client; as in Redis, its slot is free only once the
            // server has read the close, which may come after our next connect: wait until it is gone.
            var first = await vigil.ConnectAsync();
            clients.Add(first);
            await Wait.UntilAsync(async () =>
                await first.CallAsync("INFO", "clients") is RespBulkString info && info.Text.Contains("connected_clients:1\r\n", StringComparison.Ordinal),
                TimeSpan.FromSeconds(10), "only this client connected");
            for (var i = 1; i < 3; i++)
            {
                var client = await vigil.ConnectAsync();
                clients.Add(client);
                Assert.Equal(new RespSimpleString("PONG"), await client.CallAsync("PING"));
            }
            await using var extra = await vigil.ConnectAsync();
            Assert.Equal(new RespError("ERR max number of clients reached"), await extra.ReadAsync());
            Assert.True(await extra.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
            Assert.Equal(new RespSimpleString("PONG"), await clients[0].CallAsync("PING"));
        }
        finally
        {
            foreach (var client in clients) await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task BrokenConfigExitsOneNamingFileLineAndDirective()
    {
        var path = _dir.File("broken.conf");
        await File.WriteAllLinesAsync(path, ["port 26999", "sentinel monitor m 127.0.0.1 48001 0"]);
        var result = await Cli.VigilAsync([path], TimeSpan.FromSeconds(30));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(path, result.Stderr);
        Assert.Contains("line 2", result.Stderr);
        Assert.Contains("sentinel monitor m 127.0.0.1 48001 0", result.Stderr);
        Assert.Contains("Quorum must be 1 or greater.", result.Stderr);
    }

    [Fact]
    public async Task SigtermStopsCleanlyWithExitZero()
    {
        using var vigil = await RedisNodes.StartVigilAsync(_dir, []);
        vigil.Process.Signal("TERM");
        Assert.Equal(0, await vigil.Process.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("bye bye", vigil.Process.Stdout);
        Assert.Equal("", vigil.Process.Stderr);
    }
}
