using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Vigil.Resp;
using Vigil.Server.Commands;
using Vigil.Server.Net;
using Vigil.Server.Security;
using Vigil.Tls;

namespace Vigil.Server.Clients;

/// <summary>
/// One client connection: reads commands (pipelined, RESP or inline), runs them through the
/// dispatcher in order, and owns the connection's state (protocol, user, name, subscriptions).
/// </summary>
public sealed class ClientSession
{
    /// <summary>Stop reading new commands while the client leaves this much unread output.</summary>
    private const long ReadPauseOutputBytes = 4 * 1024 * 1024;

    /// <summary>First size of the receive buffer; it grows only for a request that does not fit.</summary>
    private const int ReceiveBufferBytes = 16 * 1024;

    /// <summary>A client on the TLS port that has not finished its handshake by then is dropped.</summary>
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;
    private readonly TlsContext? _tls;
    private readonly ServerContext _server;
    private readonly CancellationTokenSource _closing = new();
    // Each command runs to completion before the next is read, so one argument array per length serves them all.
    private readonly RequestReader _requests = new() { ReusesArgumentArrays = true };

    /// <param name="tls">Set for a connection accepted on the TLS port: the session starts with the handshake.</param>
    public ClientSession(long id, Socket socket, ServerContext server, long nowMs, TlsContext? tls = null)
    {
        Id = id;
        _socket = socket;
        _tls = tls;
        _server = server;
        // Redis names a Unix-socket peer "/unixsocket" and the local end by the socket's path, both with port 0.
        bool unix = IsUnixSocket = socket.AddressFamily == AddressFamily.Unix;
        RemoteAddress = unix ? "/unixsocket:0" : FormatEndPoint(socket.RemoteEndPoint);
        LocalAddress = unix ? $"{server.Config.Server.UnixSocket}:0" : FormatEndPoint(socket.LocalEndPoint);
        CreatedAtMs = nowMs;
        LastInteractionMs = nowMs;
        User = server.Acl.AuthRequired ? null : server.Acl.Default;
    }

    public long Id { get; }
    public string RemoteAddress { get; }
    public string LocalAddress { get; }
    public bool IsUnixSocket { get; }
    public string Name { get; set; } = "";

    /// <summary>CLIENT SETINFO LIB-NAME / LIB-VER ("" when not set).</summary>
    public string LibName { get; set; } = "";
    public string LibVersion { get; set; } = "";
    public long CreatedAtMs { get; }
    public long LastInteractionMs { get; private set; }
    public string LastCommand { get; private set; } = "NULL";
    public SocketOutput Output { get; } = new();

    /// <summary>The authenticated user, or null before AUTH when authentication is required.</summary>
    public AclUser? User { get; set; }
    public bool IsAuthenticated => User is not null;

    public RespProtocol Protocol
    {
        get => Output.Protocol;
        set => Output.Protocol = value;
    }

    public HashSet<string> Channels { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Patterns { get; } = new(StringComparer.Ordinal);
    public int SubscriptionCount => Channels.Count + Patterns.Count;

    /// <summary>When the output went over the pub/sub soft limit (0 = not over).</summary>
    public long SoftLimitReachedAtMs { get; set; }

    public bool IsClosing => _closing.IsCancellationRequested;

    /// <summary>Asks the connection to close once what was written so far is sent.</summary>
    public void Close() => _closing.Cancel();

    /// <summary>Drops the connection at once, discarding unsent output (output buffer limit).</summary>
    public void Abort()
    {
        _closing.Cancel();
        try { _socket.Close(0); } catch (ObjectDisposedException) { }
    }

    public async Task RunAsync(CancellationToken serverStopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(serverStopping, _closing.Token);
        var connection = _tls is null ? new PlainConnection(_socket) : await HandshakeAsync(_tls, linked.Token).ConfigureAwait(false);
        if (connection is null)
        {
            Output.Complete();
            _server.Clients.Remove(this);
            _socket.Dispose();
            return;
        }
        var pump = Output.RunAsync(connection, serverStopping);
        // Straight from the socket into one pooled array: a PipeReader over a NetworkStream cost a fifth of
        // the host's own CPU per PING in the profile (bench/README.md, scenario 3). TLS reads go through SslStream.
        var received = new ReceiveBuffer(ReceiveBufferBytes);
        try
        {
            await ReadLoopAsync(connection, received, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or AuthenticationException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            received.Dispose();
            Output.Flush();
            Output.Complete();
            try { await pump.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false); }
            catch (TimeoutException) { }
            _server.Clients.Remove(this);
            _server.PubSub.RemoveAll(this);
            // Abort may have closed the socket already (output limit, CLIENT KILL): shutting it down then throws ObjectDisposedException.
            try { _socket.Shutdown(SocketShutdown.Both); } catch (Exception ex) when (ex is SocketException or ObjectDisposedException) { }
            connection.Dispose();
        }
    }

    /// <summary>The server side of TLS; null (logged as the reference logs it) when the client fails it.</summary>
    private async Task<Connection?> HandshakeAsync(TlsContext tls, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(HandshakeTimeout);
        try
        {
            return await TlsConnection.AcceptAsync(_socket, tls.ServerOptions(), deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or AuthenticationException or OperationCanceledException or ObjectDisposedException)
        {
            var reason = ex is OperationCanceledException ? "handshake timed out" : ex.InnerException?.Message ?? ex.Message;
            _server.Log.Write(Vigil.Sentinel.Config.LogLevel.Verbose, $"Error accepting a client connection: {reason} (addr={RemoteAddress} laddr={LocalAddress})");
            return null;
        }
    }

    private async Task ReadLoopAsync(Connection connection, ReceiveBuffer received, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var count = await connection.ReceiveAsync(received.Free, cancellationToken).ConfigureAwait(false);
            if (count == 0) return;
            received.Received(count);
            // Per read, as the reference stamps it: one clock read for a pipeline of commands.
            LastInteractionMs = _server.Clock.NowMs;
            var buffer = received.Unconsumed;
            var consumed = buffer.Start;
            var closeAfterReply = false;
            // Every complete request of this read runs before the replies are flushed, in one send.
            while (!IsClosing)
            {
                // The request reader keeps partial requests itself, so it consumes every byte it saw.
                var status = TryParse(buffer.Slice(consumed), out var args, out var next, out var error);
                consumed = next;
                if (status == RespReadResult.NeedMoreData) break;
                if (status == RespReadResult.ProtocolError)
                {
                    Output.Write(new RespError(error!));
                    closeAfterReply = true;
                    break;
                }
                var execution = ExecuteAsync(args!);
                if (!execution.IsCompletedSuccessfully) await execution.ConfigureAwait(false);
            }
            received.Consume(buffer.Slice(buffer.Start, consumed).Length);
            Output.Flush();
            if (closeAfterReply || IsClosing) return;
            if (Output.PendingBytes > ReadPauseOutputBytes)
            {
                await Output.WhenPendingBelowAsync(ReadPauseOutputBytes).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // A bug in one command must not take the connection (or the server) down with it.
    private ValueTask ExecuteAsync(IReadOnlyList<byte[]> args)
    {
        try
        {
            var execution = _server.Dispatcher.ExecuteAsync(this, args);
            return execution.IsCompletedSuccessfully ? ValueTask.CompletedTask : AwaitExecutionAsync(execution);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ReportInternalError(ex);
            return ValueTask.CompletedTask;
        }
    }

    private async ValueTask AwaitExecutionAsync(ValueTask execution)
    {
        try
        {
            await execution.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ReportInternalError(ex);
        }
    }

    private void ReportInternalError(Exception ex)
    {
        _server.Log.Warning($"Internal error running '{LastCommand}' for client id={Id}: {ex.GetType().Name}: {ex.Message}");
        Output.Write(new RespError("ERR internal error: " + ex.Message));
    }

    private RespReadResult TryParse(ReadOnlySequence<byte> buffer, out IReadOnlyList<byte[]>? args, out SequencePosition next, out string? error)
    {
        var sequenceReader = new SequenceReader<byte>(buffer);
        _requests.Limits = new RequestLimits { RequiresAuth = !IsAuthenticated, MaxBulkBytes = _server.Config.Server.ProtoMaxBulkLen };
        var status = _requests.TryRead(ref sequenceReader, out var command, out error);
        args = status == RespReadResult.Complete ? command.Args : null;
        next = sequenceReader.Position;
        return status;
    }

    public void NoteCommand(string fullName) => LastCommand = fullName;

    private static string FormatEndPoint(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint ip when ip.Address.IsIPv4MappedToIPv6 => $"{ip.Address.MapToIPv4()}:{ip.Port}",
        IPEndPoint ip when ip.AddressFamily == AddressFamily.InterNetworkV6 => $"{ip.Address}:{ip.Port}",
        IPEndPoint ip => $"{ip.Address}:{ip.Port}",
        _ => "?:0",
    };
}
