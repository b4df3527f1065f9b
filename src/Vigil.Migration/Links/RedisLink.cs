using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using Vigil.Resp;

namespace Vigil.Migration.Links;

/// <summary>
/// One connection to a Redis server or a sentinel: a command and its reply, a pipeline of commands, or a
/// stream of pub/sub messages. Error replies are returned as <see cref="RespError"/> values, not thrown;
/// transport failures and timeouts throw <see cref="RedisLinkException"/> and leave the link unusable.
/// Not thread-safe: one caller at a time.
/// </summary>
public sealed class RedisLink : IAsyncDisposable
{
    /// <summary>How long connecting, and each reply by default, may take.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;
    private readonly ArrayBufferWriter<byte> _output = new();

    private RedisLink(Socket socket, RedisEndpoint endpoint)
    {
        _socket = socket;
        Endpoint = endpoint;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream);
    }

    public RedisEndpoint Endpoint { get; }

    /// <summary>Reply timeout for calls that do not give their own.</summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>Connects and, with credentials, authenticates; a refused AUTH throws with the server's words.</summary>
    public static async Task<RedisLink> ConnectAsync(
        RedisEndpoint endpoint, RedisCredentials? credentials, CancellationToken cancel, TimeSpan? timeout = null)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            deadline.CancelAfter(timeout ?? DefaultTimeout);
            await socket.ConnectAsync(endpoint.Host, endpoint.Port, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancel.IsCancellationRequested)
        {
            socket.Dispose();
            var reason = ex is SocketException socketError ? socketError.Message : "no answer in time";
            throw new RedisLinkException($"unreachable ({reason})", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var link = new RedisLink(socket, endpoint);
        if (credentials is null) return link;
        try
        {
            if (await link.CallAsync(cancel, credentials.AuthCommand).ConfigureAwait(false) is RespError error)
            {
                throw new RedisLinkException("authentication failed: " + error.Text);
            }
            return link;
        }
        catch
        {
            await link.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public Task<RespValue> CallAsync(params string[] args) => CallAsync(CancellationToken.None, args);

    public async Task<RespValue> CallAsync(CancellationToken cancel, params string[] args)
    {
        _output.Clear();
        RespWriter.WriteCommand(_output, args);
        var replies = await ExchangeAsync(1, cancel).ConfigureAwait(false);
        return replies[0];
    }

    /// <summary>Sends every command in one write and reads as many replies, in order.</summary>
    public async Task<RespValue[]> PipelineAsync(IReadOnlyList<byte[][]> commands, CancellationToken cancel)
    {
        _output.Clear();
        foreach (var command in commands) RespWriter.WriteCommand(_output, command);
        return await ExchangeAsync(commands.Count, cancel).ConfigureAwait(false);
    }

    /// <summary>Sends a command without reading its reply (SUBSCRIBE; the replies come as messages).</summary>
    public async Task SendAsync(CancellationToken cancel, params string[] args)
    {
        _output.Clear();
        RespWriter.WriteCommand(_output, args);
        await WriteAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>Reads the next value the server sends (a pub/sub message), waiting as long as <paramref name="cancel"/> allows.</summary>
    public async Task<RespValue> ReceiveAsync(CancellationToken cancel)
    {
        try
        {
            return await ReadOneAsync(cancel).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or EndOfStreamException)
        {
            throw new RedisLinkException(ex.Message, ex);
        }
    }

    private async Task<RespValue[]> ExchangeAsync(int replyCount, CancellationToken cancel)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(Timeout);
        try
        {
            await WriteAsync(deadline.Token).ConfigureAwait(false);
            var replies = new RespValue[replyCount];
            for (var i = 0; i < replyCount; i++) replies[i] = await ReadOneAsync(deadline.Token).ConfigureAwait(false);
            return replies;
        }
        catch (OperationCanceledException ex) when (!cancel.IsCancellationRequested)
        {
            throw new RedisLinkException($"{Endpoint}: no reply within {Timeout.TotalSeconds:0.#} s", ex);
        }
        catch (Exception ex) when (ex is IOException or SocketException or EndOfStreamException)
        {
            throw new RedisLinkException($"{Endpoint}: {ex.Message}", ex);
        }
    }

    private async Task WriteAsync(CancellationToken cancel) =>
        await _stream.WriteAsync(_output.WrittenMemory, cancel).ConfigureAwait(false);

    private Task<RespValue> ReadOneAsync(CancellationToken cancel) =>
        _reader.ReadValueAsync(RespLimits.Default, "the server closed the connection", cancel);

    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }

    /// <summary>A command whose arguments are text or bytes.</summary>
    public static byte[][] Command(string name, params ReadOnlySpan<byte[]> args)
    {
        var command = new byte[args.Length + 1][];
        command[0] = Encoding.UTF8.GetBytes(name);
        args.CopyTo(command.AsSpan(1));
        return command;
    }

    public static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);
}
