using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vigil.Http.Tests;

/// <summary>The endpoint's HTTP server over real loopback sockets: keep-alive, HEAD, its refusals and its limits.</summary>
public sealed class HttpServerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private static Task Hello(HttpExchange exchange) => exchange.RespondAsync(200, "text/plain", $"hello {exchange.Request.Path}");

    [Fact]
    public async Task Two_requests_on_one_connection_are_both_answered_and_HEAD_gets_the_length_without_the_body()
    {
        await using var server = HttpServer.Start(new IPEndPoint(IPAddress.Loopback, 0), Hello);
        using var client = await ConnectAsync(server.Port);
        await SendAsync(client, "GET /a HTTP/1.1\r\nHost: x\r\n\r\nHEAD /bb HTTP/1.1\r\nHost: x\r\n\r\n");
        string first = await ReadUntilAsync(client, "hello /a");
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", first, StringComparison.Ordinal);
        Assert.Contains("Content-Length: 8\r\n", first, StringComparison.Ordinal);
        Assert.DoesNotContain("Connection: close", first, StringComparison.Ordinal);
        string second = await ReadUntilAsync(client, "Content-Length: 9\r\n\r\n");
        await SendAsync(client, "GET /c HTTP/1.1\r\nConnection: close\r\n\r\n");
        string third = await ReadToEndAsync(client);
        Assert.DoesNotContain("hello /bb", second + third, StringComparison.Ordinal);
        Assert.Contains("Connection: close", third, StringComparison.Ordinal);
        Assert.EndsWith("hello /c", third, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET http://x/ HTTP/1.1\r\n\r\n")]
    [InlineData("GET / HTTP/2\r\n\r\n")]
    [InlineData("get / HTTP/1.1\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nno colon\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nAuthorization: a\r\nAuthorization: b\r\n\r\n")]
    public async Task A_malformed_request_gets_400_and_the_connection_closes(string request)
    {
        await using var server = HttpServer.Start(new IPEndPoint(IPAddress.Loopback, 0), Hello);
        using var client = await ConnectAsync(server.Port);
        await SendAsync(client, request);
        Assert.StartsWith("HTTP/1.1 400 ", await ReadToEndAsync(client), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_head_over_the_limit_gets_431_and_the_connection_closes()
    {
        await using var server = HttpServer.Start(new IPEndPoint(IPAddress.Loopback, 0), Hello, new HttpLimits { MaxHeadBytes = 1024 });
        using var client = await ConnectAsync(server.Port);
        await SendAsync(client, $"GET / HTTP/1.1\r\nX-Padding: {new string('a', 2000)}\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 431 ", await ReadToEndAsync(client), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connections_over_the_limit_are_closed_and_the_admitted_ones_are_served()
    {
        await using var server = HttpServer.Start(new IPEndPoint(IPAddress.Loopback, 0), Hello, new HttpLimits { MaxConnections = 2 });
        using var first = await ConnectAsync(server.Port);
        using var second = await ConnectAsync(server.Port);
        // Both admitted (answered) before the third arrives, so the server counts them.
        await SendAsync(first, "GET /1 HTTP/1.1\r\n\r\n");
        await ReadUntilAsync(first, "hello /1");
        await SendAsync(second, "GET /2 HTTP/1.1\r\n\r\n");
        await ReadUntilAsync(second, "hello /2");
        using var third = await ConnectAsync(server.Port);
        Assert.Equal("", await ReadToEndAsync(third));
        await SendAsync(first, "GET /again HTTP/1.1\r\n\r\n");
        await ReadUntilAsync(first, "hello /again");
    }

    [Fact]
    public async Task A_client_that_never_finishes_its_request_is_dropped_after_the_head_timeout()
    {
        var limits = new HttpLimits { HeadTimeout = TimeSpan.FromMilliseconds(300) };
        await using var server = HttpServer.Start(new IPEndPoint(IPAddress.Loopback, 0), Hello, limits);
        using var client = await ConnectAsync(server.Port);
        await SendAsync(client, "GET /metrics HTTP/1.1\r\nHost: x\r\n");
        Assert.Equal("", await ReadToEndAsync(client));
    }

    [Fact]
    public async Task A_stream_ends_when_its_client_goes_away()
    {
        var ended = new TaskCompletionSource();
        await using var server = HttpServer.Start(new IPEndPoint(IPAddress.Loopback, 0), async exchange =>
        {
            await exchange.StartStreamAsync("text/event-stream");
            await exchange.WriteStreamAsync("data: 1\n\n");
            try { await Task.Delay(Timeout.Infinite, exchange.Aborted); }
            catch (OperationCanceledException) { ended.SetResult(); }
        });
        var client = await ConnectAsync(server.Port);
        await SendAsync(client, "GET /events HTTP/1.1\r\n\r\n");
        string head = await ReadUntilAsync(client, "data: 1\n\n");
        Assert.Contains("Connection: close", head, StringComparison.Ordinal);
        Assert.DoesNotContain("Content-Length", head, StringComparison.Ordinal);
        client.Dispose();
        await ended.Task.WaitAsync(Deadline);
    }

    [Fact]
    public async Task An_address_in_use_is_an_IOException()
    {
        await using var server = HttpServer.Start(new IPEndPoint(IPAddress.Loopback, 0), Hello);
        Assert.Throws<IOException>(() => HttpServer.Start(new IPEndPoint(IPAddress.Loopback, server.Port), Hello));
    }

    private static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        return socket;
    }

    private static Task SendAsync(Socket socket, string text) => socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None);

    private static async Task<string> ReadUntilAsync(Socket socket, string end)
    {
        var text = new StringBuilder();
        var buffer = new byte[1];
        using var deadline = new CancellationTokenSource(Deadline);
        // One byte at a time so that nothing after `end` is consumed.
        while (!text.ToString().EndsWith(end, StringComparison.Ordinal))
        {
            int read = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
            if (read == 0) throw new IOException($"closed after {text}");
            text.Append((char)buffer[0]);
        }
        return text.ToString();
    }

    private static async Task<string> ReadToEndAsync(Socket socket)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        using var deadline = new CancellationTokenSource(Deadline);
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token)) > 0) text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        return text.ToString();
    }
}
