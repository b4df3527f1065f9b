using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Vigil.Resp;

namespace Vigil.Demo;

/// <summary>
/// The demo's RESP client: one loopback connection, a command and its reply, or a stream of pushes.
/// A call that is cancelled or times out leaves the connection unusable; the caller disposes it.
/// </summary>
internal sealed class RespConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;

    private RespConnection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream);
    }

    public static async Task<RespConnection> ConnectAsync(int port, TimeSpan timeout, CancellationToken cancel)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            deadline.CancelAfter(timeout);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), deadline.Token).ConfigureAwait(false);
            return new RespConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends a command and reads its reply; throws <see cref="OperationCanceledException"/> on timeout.</summary>
    public async Task<RespValue> CallAsync(TimeSpan timeout, CancellationToken cancel, params string[] args)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        await SendAsync(deadline.Token, args).ConfigureAwait(false);
        return await ReadAsync(deadline.Token).ConfigureAwait(false);
    }

    public async Task SendAsync(CancellationToken cancel, params string[] args)
    {
        var buffer = new ArrayBufferWriter<byte>();
        RespWriter.WriteCommand(buffer, args);
        await _stream.WriteAsync(buffer.WrittenMemory, cancel).ConfigureAwait(false);
    }

    /// <summary>Reads one value; <see cref="EndOfStreamException"/> when the server closed the connection.</summary>
    public Task<RespValue> ReadAsync(CancellationToken cancel) =>
        _reader.ReadValueAsync(RespLimits.Default, "the server closed the connection", cancel);

    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }
}
