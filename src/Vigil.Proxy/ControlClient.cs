using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using Vigil.Resp;

namespace Vigil.Proxy;

/// <summary>
/// The proxy's own RESP connection to a sentinel or a data node (queries, subscriptions, role checks),
/// authenticated with the proxy's credentials, over TLS with <c>--tls</c>. A call that fails or times out leaves the connection
/// unusable; the caller disposes it and opens another.
/// </summary>
public sealed class ControlClient : IAsyncDisposable
{
    /// <summary>Bounds what one reply may hold, like the sentinel's own reader (a SENTINEL REPLICAS reply is small).</summary>
    private static readonly RespLimits ReplyLimits = RespLimits.Default;

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly PipeReader _reader;

    private ControlClient(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
        _reader = PipeReader.Create(_stream);
    }

    public HostPort Address { get; private init; }

    /// <summary>Connects and authenticates; throws <see cref="IOException"/> (or a socket/cancel exception) on failure.</summary>
    public static async Task<ControlClient> ConnectAsync(HostPort address, ControlAccess access, TimeSpan timeout, CancellationToken cancel)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        ControlClient? client = null;
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            deadline.CancelAfter(timeout);
            await socket.ConnectAsync(address.Host, address.Port, deadline.Token).ConfigureAwait(false);
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (access.Tls is { } tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                try
                {
                    await ssl.AuthenticateAsClientAsync(tls.ClientOptions(address.Host), deadline.Token).ConfigureAwait(false);
                }
                catch (System.Security.Authentication.AuthenticationException ex)
                {
                    await ssl.DisposeAsync().ConfigureAwait(false);
                    throw new IOException($"TLS handshake with {address} failed: {ex.Message}", ex);
                }
            }
            client = new ControlClient(socket, stream) { Address = address };
            if (access.Password is { } password)
            {
                var reply = access.User is not { } user
                    ? await client.CallAsync(timeout, cancel, "AUTH", password).ConfigureAwait(false)
                    : await client.CallAsync(timeout, cancel, "AUTH", user, password).ConfigureAwait(false);
                if (reply is RespError error) throw new IOException($"AUTH refused by {address}: {error.Text}");
            }
            return client;
        }
        catch
        {
            if (client is not null) await client.DisposeAsync().ConfigureAwait(false);
            else socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends a command and reads its reply; <see cref="OperationCanceledException"/> on timeout.</summary>
    public async Task<RespValue> CallAsync(TimeSpan timeout, CancellationToken cancel, params string[] args)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        var buffer = new ArrayBufferWriter<byte>();
        RespWriter.WriteCommand(buffer, args);
        await _stream.WriteAsync(buffer.WrittenMemory, deadline.Token).ConfigureAwait(false);
        return await ReadAsync(deadline.Token).ConfigureAwait(false);
    }

    /// <summary>Reads one value (a reply or a pushed message); <see cref="EndOfStreamException"/> when the peer closed.</summary>
    public Task<RespValue> ReadAsync(CancellationToken cancel) =>
        _reader.ReadValueAsync(ReplyLimits, "connection closed by " + Address, cancel);

    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }
}
