using System.Net;
using System.Net.Sockets;

namespace Vigil.Http;

/// <summary>
/// A small, strict HTTP/1.1 server for read-only endpoints: GET and HEAD requests without bodies, keep-alive, answers
/// of known length or a stream that ends the connection (server-sent events). Bounded in connections, head size and
/// time (<see cref="HttpLimits"/>). It replaced Kestrel because linking ASP.NET Core into the binary cost the sentinel
/// about 5 MB of memory with the endpoint off and 9 MB with it on (bench/README.md, scenario 4e); what an endpoint
/// needs from HTTP fits here.
/// </summary>
internal sealed class HttpServer : IAsyncDisposable
{
    private static readonly byte[] EndOfHead = "\r\n\r\n"u8.ToArray();

    private readonly Socket _listener;
    private readonly Func<HttpExchange, Task> _handle;
    private readonly HttpLimits _limits;
    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<Socket> _connections = [];
    private readonly Task _accepting;

    private HttpServer(Socket listener, Func<HttpExchange, Task> handle, HttpLimits limits)
    {
        _listener = listener;
        _handle = handle;
        _limits = limits;
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        _accepting = AcceptAsync();
    }

    /// <summary>The port actually listened on (with port 0, a free one).</summary>
    public int Port { get; }

    /// <summary>Binds and starts serving; throws <see cref="IOException"/> when the address cannot be bound.</summary>
    public static HttpServer Start(IPEndPoint endpoint, Func<HttpExchange, Task> handle, HttpLimits? limits = null)
    {
        var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(endpoint);
            listener.Listen(64);
        }
        catch (SocketException ex)
        {
            listener.Dispose();
            throw new IOException($"Failed to bind to address http://{endpoint}: {ex.Message}", ex);
        }
        return new HttpServer(listener, handle, limits ?? new HttpLimits());
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        lock (_connections)
        {
            foreach (var socket in _connections) socket.Dispose();
        }
        await _accepting.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // the client gave up before it was accepted
            }
            lock (_connections)
            {
                if (_connections.Count >= _limits.MaxConnections || _stopping.IsCancellationRequested)
                {
                    socket.Dispose();
                    continue;
                }
                _connections.Add(socket);
            }
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        try
        {
            socket.NoDelay = true;
            var buffer = new byte[_limits.MaxHeadBytes];
            int filled = 0;
            while (true)
            {
                (int end, filled) = await ReadHeadAsync(socket, buffer, filled).ConfigureAwait(false);
                if (end == NoHead) return;
                if (end == HeadTooLarge)
                {
                    await RefuseAsync(socket, 431).ConfigureAwait(false);
                    await CloseGentlyAsync(socket).ConfigureAwait(false);
                    return;
                }
                if (HttpRequestHead.Parse(buffer.AsSpan(0, end)) is not { } head)
                {
                    await RefuseAsync(socket, 400).ConfigureAwait(false);
                    await CloseGentlyAsync(socket).ConfigureAwait(false);
                    return;
                }
                using var exchange = new HttpExchange(socket, head, _limits.WriteTimeout, _stopping.Token);
                await _handle(exchange).ConfigureAwait(false);
                if (!exchange.Responded) await exchange.RespondAsync(500, "text/plain; charset=utf-8", "500 no answer\n").ConfigureAwait(false);
                if (exchange.Closes)
                {
                    await CloseGentlyAsync(socket).ConfigureAwait(false);
                    return;
                }
                // A pipelined next request may already be in the buffer.
                int consumed = end + EndOfHead.Length;
                filled -= consumed;
                Buffer.BlockCopy(buffer, consumed, buffer, 0, filled);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
        {
            // The client went away, stopped reading or took too long, or the server is stopping: drop the connection.
        }
        finally
        {
            lock (_connections) _connections.Remove(socket);
            socket.Dispose();
        }
    }

    private const int NoHead = -1;
    private const int HeadTooLarge = -2;

    /// <summary>
    /// Reads until the buffer holds a whole head: its length (without the empty line) and the bytes in the buffer; or
    /// <see cref="NoHead"/> when the client closed or timed out before one, <see cref="HeadTooLarge"/> when it does not fit.
    /// </summary>
    private async Task<(int End, int Filled)> ReadHeadAsync(Socket socket, byte[] buffer, int filled)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        deadline.CancelAfter(filled == 0 ? _limits.IdleTimeout : _limits.HeadTimeout);
        try
        {
            while (true)
            {
                int end = buffer.AsSpan(0, filled).IndexOf(EndOfHead);
                if (end >= 0) return (end, filled);
                if (filled == buffer.Length) return (HeadTooLarge, filled);
                int read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, deadline.Token).ConfigureAwait(false);
                if (read == 0) return (NoHead, filled);
                if (filled == 0) deadline.CancelAfter(_limits.HeadTimeout);
                filled += read;
            }
        }
        catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
        {
            return (NoHead, filled);
        }
    }

    /// <summary>
    /// Ends the connection after an answer without losing it: closing a socket with unread input (a body, the rest of
    /// an oversized head) makes the kernel reset the connection, and the client may lose the answer with it. So the
    /// sending side is shut first and what the client still sends is read and dropped, for at most a second and 64 KB.
    /// </summary>
    private async Task CloseGentlyAsync(Socket socket)
    {
        socket.Shutdown(SocketShutdown.Send);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        deadline.CancelAfter(TimeSpan.FromSeconds(1));
        var scrap = new byte[4096];
        for (int total = 0; total < 64 * 1024;)
        {
            int read = await socket.ReceiveAsync(scrap, SocketFlags.None, deadline.Token).ConfigureAwait(false);
            if (read == 0) return;
            total += read;
        }
    }

    private async Task RefuseAsync(Socket socket, int status)
    {
        var head = new HttpRequestHead { Method = "GET", Path = "/", WantsClose = true };
        using var exchange = new HttpExchange(socket, head, _limits.WriteTimeout, _stopping.Token);
        await exchange.RespondAsync(status, "text/plain; charset=utf-8", $"{status} bad request\n").ConfigureAwait(false);
    }
}
