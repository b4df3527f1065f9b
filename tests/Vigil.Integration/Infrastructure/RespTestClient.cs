using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using Vigil.Resp;

namespace Vigil.Integration.Infrastructure;

/// <summary>A small RESP client for tests: send a command, read one reply; raw bytes when needed.</summary>
public sealed class RespTestClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly PipeReader _reader;
    private readonly NetworkStream _stream;

    private RespTestClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream);
    }

    /// <summary>Connects from <paramref name="source"/> (e.g. 127.0.0.2, which Redis does not count as local).</summary>
    public static async Task<RespTestClient> ConnectFromAsync(System.Net.IPAddress source, int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Bind(new System.Net.IPEndPoint(source, 0));
        await socket.ConnectAsync("127.0.0.1", port).ConfigureAwait(false);
        return new RespTestClient(socket);
    }

    /// <summary>Connects over a Unix socket.</summary>
    public static async Task<RespTestClient> ConnectUnixAsync(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path)).ConfigureAwait(false);
        return new RespTestClient(socket);
    }

    public static async Task<RespTestClient> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync("127.0.0.1", port).ConfigureAwait(false);
        return new RespTestClient(socket);
    }

    public async Task<RespValue> CallAsync(params string[] args)
    {
        var buffer = new ArrayBufferWriter<byte>();
        RespWriter.WriteCommand(buffer, args);
        await SendRawAsync(buffer.WrittenMemory).ConfigureAwait(false);
        return await ReadAsync().ConfigureAwait(false);
    }

    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes) => await _stream.WriteAsync(bytes).ConfigureAwait(false);

    public Task SendRawAsync(string text) => SendRawAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>Reads one value, or throws <see cref="EndOfStreamException"/> when the server closed the connection.</summary>
    public async Task<RespValue> ReadAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var result = await _reader.ReadAsync(cts.Token).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryParse(buffer, out var value, out var consumed))
            {
                _reader.AdvanceTo(consumed);
                return value!;
            }
            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted) throw new EndOfStreamException("server closed the connection");
        }
    }

    /// <summary>True when the server closes the connection (after any pending replies) within the timeout.</summary>
    public async Task<bool> IsClosedByServerAsync(TimeSpan timeout)
    {
        try
        {
            while (true) await ReadAsync(timeout).ConfigureAwait(false);
        }
        catch (EndOfStreamException) { return true; }
        catch (IOException) { return true; }
        catch (OperationCanceledException) { return false; }
    }

    private static bool TryParse(ReadOnlySequence<byte> buffer, out RespValue? value, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        var result = RespReader.TryRead(ref reader, RespLimits.Default, out value, out var error);
        consumed = reader.Position;
        if (result == RespReadResult.ProtocolError) throw new InvalidOperationException("protocol error from server: " + error);
        return result == RespReadResult.Complete;
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }
}
