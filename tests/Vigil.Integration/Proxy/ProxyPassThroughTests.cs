using System.Globalization;
using System.Text;
using Vigil.Integration.Infrastructure;
using Vigil.Resp;

namespace Vigil.Integration.Proxy;

/// <summary>
/// What a client sends reaches Redis as it was sent, and Redis's answers come back the same way: the client's own
/// AUTH against a master that requires a password (the proxy authenticates its own checks with <c>--pass</c>),
/// HELLO 3 and RESP3 replies, binary values larger than the proxy's buffers, and a deep pipeline answered in order.
/// </summary>
[Collection(ProxyCollection.Name)]
public sealed class ProxyPassThroughTests : IDisposable
{
    private const string Password = "s3cret-pass";

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ClientAuthRespThreeBinaryValuesAndPipelinesPassThroughUnchanged()
    {
        using var master = await RedisNodes.StartRedisAsync(_dir);
        Assert.Equal(RespValue.Ok, await Topology.CallAsync(master, "CONFIG", "SET", "requirepass", Password));
        // The sentinel asks for the same password: the proxy's --pass is for every connection of its own.
        using var sentinel = await RedisNodes.StartVigilAsync(_dir,
            [$"sentinel monitor {Topology.MasterName} 127.0.0.1 {master.Port} 1", $"sentinel auth-pass {Topology.MasterName} {Password}", $"requirepass {Password}"],
            waitForPing: false);
        using var proxy = ProxyProcess.Start(_dir, [sentinel.Port], replicas: false, "--pass", Password);
        // The proxy's SENTINEL MASTER and ROLE queries had to authenticate with --pass for this line.
        await Wait.UntilAsync(() => proxy.Log.Contains($"forwarding to master 127.0.0.1:{master.Port}", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), $"the proxy confirming the password-protected master; proxy log: {proxy.Log}");

        await using var client = await RespTestClient.ConnectAsync(proxy.Port);
        // Redis, not the proxy, judges the client: unauthenticated until the client's own AUTH.
        var refused = await client.CallAsync("GET", "k");
        Assert.True(refused is RespError { Text: var noauth } && noauth.StartsWith("NOAUTH", StringComparison.Ordinal), RespText.Render(refused));
        Assert.Equal(RespValue.Ok, await client.CallAsync("AUTH", Password));

        var hello = await client.CallAsync("HELLO", "3");
        var fields = Assert.IsType<RespMap>(hello).Entries.ToDictionary(e => Assert.IsType<RespBulkString>(e.Key).Text, e => e.Value);
        Assert.Equal(new RespInteger(3), fields["proto"]);
        Assert.Equal(new RespInteger(1), await client.CallAsync("HSET", "h", "f", "v"));
        Assert.IsType<RespMap>(await client.CallAsync("HGETALL", "h"));

        // Every byte value, repeated past the size of the proxy's buffers, comes back exactly.
        var value = new byte[200_000];
        for (var i = 0; i < value.Length; i++) value[i] = (byte)(i * 7 % 256);
        await client.SendRawAsync(Command("SET", "bin"u8.ToArray(), value));
        Assert.Equal(RespValue.Ok, await client.ReadAsync());
        await client.SendRawAsync(Command("GET", "bin"u8.ToArray()));
        Assert.Equal(value, Assert.IsType<RespBulkString>(await client.ReadAsync()).Bytes);

        // A pipeline of 2,000 commands in one write: every reply, in order.
        const int depth = 2000;
        var pipeline = new StringBuilder();
        for (var i = 0; i < depth; i++) pipeline.Append("*2\r\n$4\r\nINCR\r\n$7\r\ncounter\r\n");
        await client.SendRawAsync(pipeline.ToString());
        for (var i = 1; i <= depth; i++) Assert.Equal(new RespInteger(i), await client.ReadAsync());

        await using var direct = await master.ConnectAsync();
        Assert.Equal(RespValue.Ok, await direct.CallAsync("AUTH", Password));
        Assert.Equal(value, Assert.IsType<RespBulkString>(await direct.CallAsync("GET", "bin")).Bytes);
        Assert.Equal(depth.ToString(CultureInfo.InvariantCulture), Assert.IsType<RespBulkString>(await direct.CallAsync("GET", "counter")).Text);
    }

    private static byte[] Command(string name, params byte[][] args)
    {
        var output = new MemoryStream();
        void Write(string text) => output.Write(Encoding.ASCII.GetBytes(text));
        Write($"*{args.Length + 1}\r\n${name.Length}\r\n{name}\r\n");
        foreach (var arg in args)
        {
            Write($"${arg.Length}\r\n");
            output.Write(arg);
            Write("\r\n");
        }
        return output.ToArray();
    }
}
