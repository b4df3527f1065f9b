using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Vigil.Resp;
using Vigil.Sentinel;
using Vigil.Server.Logging;
using Vigil.Server.Loop;
using Vigil.Server.Net;
using Vigil.Tls;

namespace Vigil.Server.Links;

/// <summary>
/// One TCP connection (TLS with <c>tls-replication yes</c>) from this sentinel to a Redis instance or a
/// peer sentinel. Commands the core sends before the connection is up are kept and go out once it is.
/// Replies and pushed messages go back to the core, in order, as inputs.
/// </summary>
public sealed class OutboundLink
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>While a connection attempt gets no answer, a fresh one starts this often (see <see cref="ConnectRace"/>).</summary>
    private static readonly TimeSpan ConnectRestartAfter = TimeSpan.FromMilliseconds(250);

    /// <summary>First size of the receive buffer (INFO replies are a few kilobytes); it grows for larger replies.</summary>
    private const int ReceiveBufferBytes = 8 * 1024;
    private readonly OpenLink _target;
    private readonly EventLoop _loop;
    private readonly Clock _clock;
    private readonly TlsContext? _tls;
    private readonly SocketOutput _output = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly SentinelLog? _log;
    private int _closedByCore;
    // Only the thread driving the core sends and flushes.
    private bool _flushDue;

    public OutboundLink(OpenLink target, EventLoop loop, Clock clock, TlsContext? tls = null, SentinelLog? log = null)
    {
        _tls = tls;
        _target = target;
        _loop = loop;
        _clock = clock;
        _log = log;
    }

    /// <summary>
    /// Queues a command; it leaves at the next <see cref="Flush"/>. Returns whether it is the first since the last
    /// flush, so the caller knows which links to flush.
    /// </summary>
    public bool Send(IReadOnlyList<string> args)
    {
        _output.Write(args, static (writer, command, _) => RespWriter.WriteCommand(writer, command as string[] ?? [.. command]));
        if (_flushDue) return false;
        _flushDue = true;
        return true;
    }

    /// <summary>Sends what <see cref="Send"/> queued, in one write when no earlier one is still in flight.</summary>
    public void Flush()
    {
        _flushDue = false;
        _output.Flush();
    }

    /// <summary>Closed on the core's request: no <see cref="LinkClosed"/> input is posted.</summary>
    public void Close()
    {
        Interlocked.Exchange(ref _closedByCore, 1);
        _closing.Cancel();
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _closing.Token);
        var token = linked.Token;
        Socket? socket = null;
        Connection? connection = null;
        var reason = "connection closed";
        try
        {
            socket = await ConnectAsync(token).ConfigureAwait(false);
            connection = _tls is null ? new PlainConnection(socket) : await HandshakeAsync(socket, _tls, token).ConfigureAwait(false);
            var localIp = socket.LocalEndPoint is IPEndPoint local
                ? (local.Address.IsIPv4MappedToIPv6 ? local.Address.MapToIPv4() : local.Address).ToString()
                : "127.0.0.1";
            _loop.Post(new LinkConnected(_clock.NowMs, _target.Link, localIp));
            var pump = _output.RunAsync(connection, token);
            await ReadRepliesAsync(connection, token).ConfigureAwait(false);
            _output.Complete();
            await pump.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            reason = "link closed";
        }
        catch (LinkProtocolException ex)
        {
            reason = ex.Message;
            _log?.Warning($"Closing the link to {_target.Host}:{_target.Port}: {reason}");
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
            reason = ex.Message;
        }
        catch (AuthenticationException ex)
        {
            reason = "TLS handshake failed: " + (ex.InnerException?.Message ?? ex.Message);
        }
        finally
        {
            _output.Complete();
            if (connection is not null) connection.Dispose();
            else socket?.Dispose();
            if (Volatile.Read(ref _closedByCore) == 0 && !stopping.IsCancellationRequested)
            {
                _loop.Post(new LinkClosed(_clock.NowMs, _target.Link, reason));
            }
        }
    }

    private async Task<Socket> ConnectAsync(CancellationToken token)
    {
        var addresses = IPAddress.TryParse(_target.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(_target.Host, token).ConfigureAwait(false);
        if (addresses.Length == 0) throw new SocketException((int)SocketError.HostNotFound);
        var endpoint = new IPEndPoint(addresses[0], _target.Port);
        IPAddress? source = !string.IsNullOrEmpty(_target.SourceAddress) && IPAddress.TryParse(_target.SourceAddress, out var parsed) ? parsed : null;
        return await ConnectRace.RunAsync(
            attemptToken => ConnectOnceAsync(endpoint, source, attemptToken), static socket => socket.Dispose(),
            ConnectRestartAfter, ConnectTimeout, token).ConfigureAwait(false);
    }

    private static async Task<Socket> ConnectOnceAsync(IPEndPoint endpoint, IPAddress? source, CancellationToken token)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (source is not null) socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(endpoint, token).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    // Bounded by the connect timeout too: a peer that takes the connection but never answers the handshake
    // must not hold the link.
    private async Task<Connection> HandshakeAsync(Socket socket, TlsContext tls, CancellationToken token)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            return await TlsConnection.ConnectAsync(socket, tls.ClientOptions(_target.Host), timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            throw new IOException("TLS handshake timed out");
        }
    }

    private async Task ReadRepliesAsync(Connection connection, CancellationToken token)
    {
        // Straight from the socket, as client sessions read (see ClientSession.RunAsync); TLS through SslStream.
        // Between replies a plain link holds no buffer: with a thousand masters and their replicas, four thousand
        // links holding 8 KB each while idle came to 32 MB (bench/README.md, scenario 5).
        using var received = new ReceiveBuffer(ReceiveBufferBytes);
        while (true)
        {
            if (received.IsEmpty)
            {
                received.ReleaseIfEmpty();
                await connection.WaitReadableAsync(token).ConfigureAwait(false);
            }
            var count = await connection.ReceiveAsync(received.Free, token).ConfigureAwait(false);
            if (count == 0) return;
            received.Received(count);
            var buffer = received.Unconsumed;
            received.Consume(buffer.Slice(buffer.Start, ReadAvailable(buffer)).Length);
        }
    }

    private SequencePosition ReadAvailable(ReadOnlySequence<byte> buffer)
    {
        var sequenceReader = new SequenceReader<byte>(buffer);
        while (true)
        {
            var status = RespReader.TryRead(ref sequenceReader, ReplyLimits.Outbound, out var value, out var error);
            if (status == RespReadResult.NeedMoreData) return sequenceReader.Position;
            if (status == RespReadResult.ProtocolError) throw new LinkProtocolException(error ?? "protocol error");
            _loop.Post(new LinkReply(_clock.NowMs, _target.Link, value!));
        }
    }
}
