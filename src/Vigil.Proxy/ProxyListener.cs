using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vigil.Proxy;

/// <summary>
/// One listening port: each accepted client gets a backend from <paramref name="choose"/> (waiting up to
/// the failover wait for one), a connection to it, and a <see cref="ForwardedConnection"/> on one of the
/// forwarding loops.
/// </summary>
public sealed class ProxyListener(
    Socket listener, string name, Func<CancellationToken, ValueTask<Backend?>> choose,
    ProxyOptions options, ProxyLog log, ProxyCounters counters, ConnectionRegistry connections, ForwardingLoops loops)
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Pause before trying a backend again after it refused a connection (it may be restarting or replaced).</summary>
    private const int ConnectRetryMs = 100;

    /// <summary>During an outage every client is refused: one line per this interval says how many.</summary>
    private const int RefusalLogIntervalMs = 1000;

    private long _lastRefusalLogAtMs = Environment.TickCount64 - RefusalLogIntervalMs;
    private int _refusedSinceLog;

    /// <summary>Binds <paramref name="address"/>; throws <see cref="SocketException"/> when it cannot (in use, not local).</summary>
    public static Socket Bind(HostPort address)
    {
        var ip = address.Host is "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(address.Host, out var parsed) ? parsed
            : Dns.GetHostAddresses(address.Host).First();
        var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(ip, address.Port));
            socket.Listen(512);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async Task RunAsync(CancellationToken stop)
    {
        var handlers = new HashSet<Task>();
        try
        {
            while (true)
            {
                var client = await listener.AcceptAsync(stop).ConfigureAwait(false);
                client.NoDelay = true;
                Interlocked.Increment(ref counters.ConnectionsAccepted);
                var handler = HandleAsync(client, stop);
                lock (handlers) handlers.Add(handler);
                _ = handler.ContinueWith(t => { lock (handlers) handlers.Remove(t); }, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            listener.Dispose();
            Task[] pending;
            lock (handlers) pending = [.. handlers];
            await Task.WhenAll(pending).ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(Socket client, CancellationToken stop)
    {
        await Task.Yield();
        ForwardedConnection? connection = null;
        try
        {
            var deadlineMs = Environment.TickCount64 + options.FailoverWaitMs;
            while (connection is null)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop);
                wait.CancelAfter(TimeSpan.FromMilliseconds(Math.Max(1, deadlineMs - Environment.TickCount64)));
                Backend? backend;
                try
                {
                    backend = await choose(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    backend = null;
                }
                if (backend is null)
                {
                    await RefuseAsync(client).ConfigureAwait(false);
                    return;
                }
                var loop = loops.Next();
                var upstream = await UpstreamConnect.ConnectAsync(backend.Address, loop, ConnectTimeout, stop).ConfigureAwait(false);
                if (upstream >= 0)
                {
                    connection = new ForwardedConnection(client, upstream, backend, loop);
                }
                else if (Environment.TickCount64 >= deadlineMs)
                {
                    await RefuseAsync(client).ConfigureAwait(false);
                    return;
                }
                else
                {
                    // A master that refuses connections is usually dead: retry it, or move on as soon as it is replaced.
                    await Task.WhenAny(backend.FencedTask, Task.Delay(ConnectRetryMs, stop)).ConfigureAwait(false);
                    stop.ThrowIfCancellationRequested();
                }
            }
            // Fencing between choosing the backend and registering is caught by Add, which then closes the connection.
            if (!connections.Add(connection)) return;
            Interlocked.Increment(ref counters.ConnectionsActive);
            if (!connection.Backend.IsMaster) Interlocked.Increment(ref counters.ReplicaConnections);
            try
            {
                await connection.RunAsync().ConfigureAwait(false);
            }
            finally
            {
                connections.Remove(connection);
                Interlocked.Decrement(ref counters.ConnectionsActive);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            if (connection is null) client.Dispose();
            else connection.Close();
        }
    }

    /// <summary>Tells the client why in one error reply (what it reads as the answer to its first command), then closes.</summary>
    private async Task RefuseAsync(Socket client)
    {
        Interlocked.Increment(ref counters.ConnectionsRefused);
        var message = $"-ERR vigil proxy: no {name} for '{options.MasterName}' available within {options.FailoverWaitMs} ms\r\n";
        var refused = Interlocked.Increment(ref _refusedSinceLog);
        var nowMs = Environment.TickCount64;
        var lastMs = Interlocked.Read(ref _lastRefusalLogAtMs);
        if (nowMs - lastMs >= RefusalLogIntervalMs && Interlocked.CompareExchange(ref _lastRefusalLogAtMs, nowMs, lastMs) == lastMs)
        {
            refused = Interlocked.Exchange(ref _refusedSinceLog, 0);
            log.Write($"refused {refused} client{(refused == 1 ? "" : "s")} on the {name} port: no {name} available within {options.FailoverWaitMs} ms");
        }
        try
        {
            using var timeout = new CancellationTokenSource(ConnectTimeout);
            await client.SendAsync(Encoding.UTF8.GetBytes(message), SocketFlags.None, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
