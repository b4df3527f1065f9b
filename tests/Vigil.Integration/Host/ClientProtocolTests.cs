using System.Text;
using Vigil.Integration.Infrastructure;
using Vigil.Resp;

namespace Vigil.Integration.Host;

/// <summary>Authentication, pipelining, inline commands and pub/sub limits against a running Vigil.</summary>
public sealed class ClientProtocolTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task RequirepassGatesCommandsAndHelloCanAuthenticate()
    {
        using var vigil = await RedisNodes.StartVigilAsync(_dir, ["requirepass s3cret"], waitForPing: false);
        await Wait.UntilAsync(async () =>
        {
            await using var probe = await vigil.ConnectAsync();
            return await probe.CallAsync("PING") is RespError { Text: "NOAUTH Authentication required." };
        }, TimeSpan.FromSeconds(20), "Vigil answers NOAUTH");

        await using var client = await vigil.ConnectAsync();
        Assert.Equal(new RespError("NOAUTH Authentication required."), await client.CallAsync("SENTINEL", "MASTERS"));
        Assert.StartsWith("NOAUTH HELLO must be called", ((RespError)await client.CallAsync("HELLO", "3")).Text);
        Assert.Equal(new RespError("WRONGPASS invalid username-password pair or user is disabled."), await client.CallAsync("AUTH", "nope"));
        Assert.Equal(RespValue.Ok, await client.CallAsync("AUTH", "s3cret"));
        Assert.Equal(new RespSimpleString("PONG"), await client.CallAsync("PING"));

        await using var viaHello = await vigil.ConnectAsync();
        Assert.IsType<RespMap>(await viaHello.CallAsync("HELLO", "3", "AUTH", "default", "s3cret"));
        Assert.Equal(new RespSimpleString("PONG"), await viaHello.CallAsync("PING"));
    }

    [Fact]
    public async Task UnauthenticatedClientsGetTheSmallerProtocolLimits()
    {
        using var vigil = await RedisNodes.StartVigilAsync(_dir, ["requirepass s3cret"], waitForPing: false);
        await Wait.UntilAsync(async () =>
        {
            await using var probe = await vigil.ConnectAsync();
            return await probe.CallAsync("PING") is RespError;
        }, TimeSpan.FromSeconds(20), "Vigil is up");
        await using var client = await vigil.ConnectAsync();
        await client.SendRawAsync("*2\r\n$4\r\nAUTH\r\n$20000\r\n");
        Assert.Equal(new RespError("ERR Protocol error: unauthenticated bulk length"), await client.ReadAsync());
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task PipelinedAndInlineCommandsAreAnsweredInOrder()
    {
        using var vigil = await RedisNodes.StartVigilAsync(_dir, ["sentinel monitor m 127.0.0.1 9 1"]);
        await using var client = await vigil.ConnectAsync();
        var batch = new StringBuilder();
        for (var i = 0; i < 100; i++) batch.Append(i % 2 == 0 ? $"PING \"p {i}\"\r\n" : "*3\r\n$8\r\nSENTINEL\r\n$23\r\nGET-MASTER-ADDR-BY-NAME\r\n$1\r\nm\r\n");
        await client.SendRawAsync(batch.ToString());
        for (var i = 0; i < 100; i++)
        {
            var reply = await client.ReadAsync();
            if (i % 2 == 0) Assert.Equal(RespValue.Bulk($"p {i}"), reply);
            else Assert.Equal(RespValue.Array(RespValue.Bulk("127.0.0.1"), RespValue.Bulk("9")), reply);
        }
    }

    [Fact]
    public async Task SubscriberThatNeverReadsIsDisconnectedByTheOutputBufferLimit()
    {
        using var vigil = await RedisNodes.StartVigilAsync(_dir, ["client-output-buffer-limit pubsub 64kb 16kb 1"]);
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        socket.ReceiveBufferSize = 4096;
        await socket.ConnectAsync("127.0.0.1", vigil.Port);
        // 200 patterns that all match: every event is delivered 200 times, so the unread output
        // outgrows the kernel's socket buffers quickly.
        var patterns = string.Join(' ', Enumerable.Range(1, 200).Select(n => new string('*', n)));
        await socket.SendAsync(Encoding.ASCII.GetBytes($"PSUBSCRIBE {patterns}\r\n"));

        // MONITOR and REMOVE each publish an event (+monitor, -monitor).
        await using var driver = await vigil.ConnectAsync();
        var closed = false;
        for (var i = 0; i < 2000 && !closed; i++)
        {
            await driver.CallAsync("SENTINEL", "MONITOR", "churn" + i, "127.0.0.1", "9", "1");
            await driver.CallAsync("SENTINEL", "REMOVE", "churn" + i);
            if (i % 20 == 0)
            {
                var clients = ((RespBulkString)await driver.CallAsync("CLIENT", "LIST")).Text;
                closed = !clients.Contains("cmd=psubscribe", StringComparison.Ordinal);
            }
        }
        Assert.True(closed, "the non-reading subscriber was never disconnected");
        Assert.Equal(new RespSimpleString("PONG"), await driver.CallAsync("PING"));
    }
}
