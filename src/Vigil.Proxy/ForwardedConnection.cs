using System.Buffers;
using System.Net.Sockets;

namespace Vigil.Proxy;

/// <summary>
/// One client connection and its connection to a backend, copied byte for byte both ways through two
/// pooled buffers. Nothing is parsed: AUTH, HELLO 3, MULTI, pub/sub all pass through as the client
/// sent them. Memory per connection is bounded by the two buffers; a client that does not read its
/// replies stalls only its own copy loop (and is dropped by the stall sweep).
/// </summary>
public sealed class ForwardedConnection(Socket client, Socket upstream, Backend backend)
{
    /// <summary>Per direction; Redis replies and pipelines fit in a few of these reads.</summary>
    private const int BufferBytes = 16 * 1024;

    private int _closed;
    private long _clientSendStartedAtMs;

    public Backend Backend { get; } = backend;

    /// <summary>How long a send to the client has been pending at <paramref name="nowMs"/> (0 when none is).</summary>
    public long ClientStalledSince(long nowMs)
    {
        var started = Volatile.Read(ref _clientSendStartedAtMs);
        return started == 0 ? 0 : nowMs - started;
    }

    /// <summary>Copies until either side closes or the connection is closed from outside.</summary>
    public async Task RunAsync()
    {
        var toUpstream = CopyAsync(client, upstream, towardClient: false);
        var toClient = CopyAsync(upstream, client, towardClient: true);
        // The backend closing (QUIT, an error, its death) ends the connection; the client merely half-closing
        // its side must still get the replies already on their way.
        await toClient.ConfigureAwait(false);
        Close();
        await toUpstream.ConfigureAwait(false);
    }

    private async Task CopyAsync(Socket from, Socket to, bool towardClient)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).ConfigureAwait(false);
                if (read == 0) break;
                if (towardClient) Volatile.Write(ref _clientSendStartedAtMs, Environment.TickCount64);
                var sent = 0;
                while (sent < read)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None).ConfigureAwait(false);
                }
                if (towardClient) Volatile.Write(ref _clientSendStartedAtMs, 0);
            }
            if (!towardClient) to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Either side went away, or Close() disposed the sockets: the connection is over.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Closes both sockets; true the first time only.</summary>
    public bool Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return false;
        client.Dispose();
        upstream.Dispose();
        return true;
    }
}
