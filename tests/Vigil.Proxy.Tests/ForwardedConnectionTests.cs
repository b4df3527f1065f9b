using System.Net;
using System.Net.Sockets;
using Vigil.Proxy;

namespace Vigil.Proxy.Tests;

/// <summary>
/// One forwarded connection between real loopback sockets: a client, the proxy's side of it, and a backend the
/// forwarding loop connected to. No Redis: the backend is the test, so every byte and every close is the test's.
/// </summary>
public sealed class ForwardedConnectionTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly ForwardingLoops _loops = new(1);
    private readonly Socket _frontListener = Listen();
    private readonly Socket _backendListener = Listen();
    private Socket _client = null!;
    private Socket _backend = null!;
    private ForwardedConnection _connection = null!;
    private Task _running = null!;

    public async Task InitializeAsync()
    {
        _client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accepting = _frontListener.AcceptAsync();
        await _client.ConnectAsync(_frontListener.LocalEndPoint!);
        var proxySide = await accepting;
        var loop = _loops.Next();
        var backendAccepting = _backendListener.AcceptAsync();
        var upstream = await UpstreamConnect.ConnectAsync(new HostPort("127.0.0.1", ((IPEndPoint)_backendListener.LocalEndPoint!).Port), loop, Patience, CancellationToken.None);
        Assert.True(upstream >= 0, "the loop could not connect to the test's backend");
        _backend = await backendAccepting;
        _connection = new ForwardedConnection(proxySide, upstream, new Backend(new HostPort("127.0.0.1", 1), isMaster: true), loop);
        _running = _connection.RunAsync();
    }

    public async Task DisposeAsync()
    {
        _connection.Close();
        await _running.WaitAsync(Patience);
        _client.Dispose();
        _backend.Dispose();
        _frontListener.Dispose();
        _backendListener.Dispose();
        _loops.Dispose();
    }

    [Fact]
    public async Task BytesPassBothWaysUnchangedAtOnceAndBeyondTheBuffers()
    {
        var up = RandomBytes(3_000_000, seed: 1);
        var down = RandomBytes(3_000_000, seed: 2);
        // Both directions at once, each far larger than a buffer and the sockets' own, so both wait on each other.
        var sendingUp = SendAllAsync(_client, up);
        var sendingDown = SendAllAsync(_backend, down);
        var receivedUp = ReceiveAsync(_backend, up.Length);
        var receivedDown = ReceiveAsync(_client, down.Length);
        await Task.WhenAll(sendingUp, sendingDown).WaitAsync(Patience);
        Assert.Equal(up, await receivedUp.WaitAsync(Patience));
        Assert.Equal(down, await receivedDown.WaitAsync(Patience));
    }

    [Fact]
    public async Task AClientThatHalfClosesStillGetsTheRepliesThenTheBackendClosingEndsTheConnection()
    {
        await SendAllAsync(_client, "PING\r\n"u8.ToArray());
        _client.Shutdown(SocketShutdown.Send);
        Assert.Equal("PING\r\n"u8.ToArray(), await ReceiveAsync(_backend, 6).WaitAsync(Patience));
        Assert.Equal(0, await _backend.ReceiveAsync(new byte[1]).WaitAsync(Patience));

        await SendAllAsync(_backend, "+PONG\r\n"u8.ToArray());
        _backend.Shutdown(SocketShutdown.Both);
        Assert.Equal("+PONG\r\n"u8.ToArray(), await ReceiveAsync(_client, 7).WaitAsync(Patience));
        Assert.Equal(0, await _client.ReceiveAsync(new byte[1]).WaitAsync(Patience));
        await _running.WaitAsync(Patience);
        Assert.False(_connection.Close(), "the connection was not over after the backend closed");
    }

    [Fact]
    public async Task AClientThatDoesNotReadStallsAndCloseEndsBothSides()
    {
        Assert.Equal(0, _connection.ClientStalledSince(Environment.TickCount64));
        // The backend answers far more than the client's and the proxy's buffers hold; the client reads nothing.
        var flooding = SendAllAsync(_backend, new byte[16_000_000]);
        await WaitUntilAsync(() => _connection.ClientStalledSince(Environment.TickCount64) > 0, "the send to the client stalling");
        Assert.False(flooding.IsCompleted, "the backend could send everything although the client read nothing");

        Assert.True(_connection.Close());
        await _running.WaitAsync(Patience);
        await Assert.ThrowsAnyAsync<SocketException>(() => flooding.WaitAsync(Patience));
        Assert.True(await ClosedAsync(_client), "the client's side stayed open after Close");
    }

    [Fact]
    public async Task AConnectToAPortNobodyListensOnFails()
    {
        using var unused = Listen();
        var port = ((IPEndPoint)unused.LocalEndPoint!).Port;
        unused.Dispose();
        Assert.Equal(-1, await UpstreamConnect.ConnectAsync(new HostPort("127.0.0.1", port), _loops.Next(), Patience, CancellationToken.None));
    }

    private static Socket Listen()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen(8);
        return socket;
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static async Task SendAllAsync(Socket socket, byte[] bytes)
    {
        for (var sent = 0; sent < bytes.Length;) sent += await socket.SendAsync(bytes.AsMemory(sent));
    }

    private static async Task<byte[]> ReceiveAsync(Socket socket, int length)
    {
        var bytes = new byte[length];
        for (var received = 0; received < length;)
        {
            var n = await socket.ReceiveAsync(bytes.AsMemory(received));
            if (n == 0) throw new EndOfStreamException($"closed after {received} of {length} bytes");
            received += n;
        }
        return bytes;
    }

    /// <summary>True when the peer closed: reads drain to end of stream or fail.</summary>
    private static async Task<bool> ClosedAsync(Socket socket)
    {
        var buffer = new byte[1 << 16];
        try
        {
            while (await socket.ReceiveAsync(buffer).WaitAsync(Patience) > 0)
            {
            }
            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = Environment.TickCount64 + (long)Patience.TotalMilliseconds;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(10);
        }
    }
}
