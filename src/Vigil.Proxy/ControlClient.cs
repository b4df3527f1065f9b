using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Vigil.Resp;

namespace Vigil.Proxy;

/// <summary>
/// The proxy's own RESP connection to a sentinel or a data node (queries, subscriptions, role checks),
/// authenticated with the proxy's credentials. A call that fails or times out leaves the connection
/// unusable; the caller disposes it and opens another.
/// </summary>
public sealed class ControlClient : IAsyncDisposable
{
    /// <summary>Bounds what one reply may hold, like the sentinel's own reader (a SENTINEL REPLICAS reply is small).</summary>
    private static readonly RespLimits ReplyLimits = RespLimits.Default;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;

    private ControlClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream);
    }

    public HostPort Address { get; private init; }

    /// <summary>Connects and authenticates; throws <see cref="IOException"/> (or a socket/cancel exception) on failure.</summary>
    public static async Task<ControlClient> ConnectAsync(HostPort address, string? user, string? password, TimeSpan timeout, CancellationToken cancel)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        ControlClient? client = null;
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            deadline.CancelAfter(timeout);
            await socket.ConnectAsync(address.Host, address.Port, deadline.Token).ConfigureAwait(false);
            client = new ControlClient(socket) { Address = address };
            if (password is not null)
            {
                var reply = user is null
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
