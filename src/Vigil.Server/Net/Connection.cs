using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Vigil.Server.Net;

/// <summary>
/// The byte stream of one TCP connection: the socket itself (<see cref="PlainConnection"/>, the fast path
/// every plain client and link takes) or TLS over it (<see cref="TlsConnection"/>).
/// </summary>
public abstract class Connection(Socket socket) : IDisposable
{
    public Socket Socket { get; } = socket;

    /// <summary>Bytes received into <paramref name="buffer"/>; 0 when the peer closed.</summary>
    public abstract ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>
    /// Completes when data may be read (or the peer closed), without a buffer held meanwhile; a connection that
    /// cannot wait without one completes at once.
    /// </summary>
    public virtual ValueTask WaitReadableAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Bytes of <paramref name="buffer"/> taken (maybe fewer than all).</summary>
    public abstract ValueTask<int> SendAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken);

    public virtual void Dispose() => Socket.Dispose();
}

/// <summary>Straight on the socket: no stream, no copy.</summary>
public sealed class PlainConnection(Socket socket) : Connection(socket)
{
    public override ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        Socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

    // A zero-byte receive completes once the socket is readable.
    public override ValueTask WaitReadableAsync(CancellationToken cancellationToken)
    {
        var waiting = Socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken);
        return waiting.IsCompletedSuccessfully ? ValueTask.CompletedTask : AwaitAsync(waiting);

        // Pooled: every link waits again after each read, and a fresh box per wait was a tenth of a fleet's allocations.
        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
        static async ValueTask AwaitAsync(ValueTask<int> waiting) => await waiting.ConfigureAwait(false);
    }

    public override ValueTask<int> SendAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken) =>
        Socket.SendAsync(buffer, SocketFlags.None, cancellationToken);
}

/// <summary>TLS through .NET's <see cref="SslStream"/>, once its handshake is done.</summary>
public sealed class TlsConnection : Connection
{
    private readonly SslStream _stream;

    private TlsConnection(Socket socket, SslStream stream)
        : base(socket) => _stream = stream;

    /// <summary>The server side of the handshake, on a connection accepted on the TLS port.</summary>
    public static async Task<TlsConnection> AcceptAsync(Socket socket, SslServerAuthenticationOptions options, CancellationToken cancellationToken)
    {
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        try
        {
            await stream.AuthenticateAsServerAsync(options, cancellationToken).ConfigureAwait(false);
            return new TlsConnection(socket, stream);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The client side of the handshake, on a link this sentinel opened.</summary>
    public static async Task<TlsConnection> ConnectAsync(Socket socket, SslClientAuthenticationOptions options, CancellationToken cancellationToken)
    {
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        try
        {
            await stream.AuthenticateAsClientAsync(options, cancellationToken).ConfigureAwait(false);
            return new TlsConnection(socket, stream);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _stream.ReadAsync(buffer, cancellationToken);

    public override async ValueTask<int> SendAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.Length;
    }

    public override void Dispose()
    {
        _stream.Dispose();
        base.Dispose();
    }
}
