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
    private readonly Stream _stream;

    private RespTestClient(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
        _reader = PipeReader.Create(_stream);
    }

    /// <summary>Connects from <paramref name="source"/> (e.g. 127.0.0.2, which Redis does not count as local).</summary>
    public static Task<RespTestClient> ConnectFromAsync(System.Net.IPAddress source, int port) =>
        ConnectAsync("127.0.0.1", port, source.ToString());

    /// <summary>Connects over a Unix socket.</summary>
    public static async Task<RespTestClient> ConnectUnixAsync(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path)).ConfigureAwait(false);
        return new RespTestClient(socket, new NetworkStream(socket, ownsSocket: true));
    }

    /// <summary>With <paramref name="tls"/>, over TLS with the test client certificate.</summary>
    public static Task<RespTestClient> ConnectAsync(int port, TestCertificates? tls = null) => ConnectAsync("127.0.0.1", port, tls: tls);

    /// <summary>
    /// Connects to <paramref name="host"/>, from <paramref name="sourceAddress"/> when given (a client on a partition
    /// test's box), over TLS with the test client certificate when <paramref name="tls"/> is given.
    /// </summary>
    public static async Task<RespTestClient> ConnectAsync(string host, int port, string? sourceAddress = null, TestCertificates? tls = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (sourceAddress is not null) socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Parse(sourceAddress), 0));
        await socket.ConnectAsync(host, port).ConfigureAwait(false);
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        if (tls is not null)
        {
            var ssl = new System.Net.Security.SslStream(stream, leaveInnerStreamOpen: false);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await ssl.AuthenticateAsClientAsync(tls.ClientOptions(), timeout.Token).ConfigureAwait(false);
            stream = ssl;
        }
        return new RespTestClient(socket, stream);
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
