using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using Vigil.Migration.Links;
using Vigil.Replication.Rdb;
using Vigil.Resp;

namespace Vigil.Migration.Streaming;

/// <summary>
/// Writes commands into the target over one pipelined connection. One thread sends (the replication thread);
/// a reader task takes the replies in order, so each reply is matched with the command it answers. At most
/// <see cref="MaxInFlightBytes"/> of commands wait for replies; the sender blocks beyond that, which in turn
/// slows the reading of the source (it buffers, as it would for a slow replica). The applied offset is the
/// replication offset of the last command the target answered. The first error reply stops everything: the
/// next <see cref="Send"/> throws with the key and the target's words.
/// </summary>
public sealed class TargetWriter : IAsyncDisposable
{
    public const long MaxInFlightBytes = 8L * 1024 * 1024;

    /// <summary>Commands are written to the socket in batches of this size, or when the source has nothing more for now.</summary>
    private const int FlushBytes = 256 * 1024;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly ArrayBufferWriter<byte> _pending = new(FlushBytes * 2);
    private readonly object _lock = new();
    private readonly Queue<Sent> _inFlight = new();
    private readonly Task _replies;
    private Sent? _last;
    private long _inFlightBytes;
    private long _appliedOffset = -1;
    private string? _failure;
    private long _commands;

    private TargetWriter(Socket socket, RedisEndpoint endpoint)
    {
        _socket = socket;
        Endpoint = endpoint;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _replies = Task.Run(ReadRepliesAsync);
    }

    public RedisEndpoint Endpoint { get; }

    /// <summary>The replication offset the target has applied up to, or -1 before the snapshot was applied.</summary>
    public long AppliedOffset { get { lock (_lock) return _appliedOffset; } }

    /// <summary>Why the writer stopped (the target refused a command, the connection failed), or null.</summary>
    public string? Failure { get { lock (_lock) return _failure; } }

    /// <summary>Commands the target has answered.</summary>
    public long Applied => Interlocked.Read(ref _commands);

    public static async Task<TargetWriter> ConnectAsync(RedisEndpoint endpoint, RedisCredentials? credentials, CancellationToken cancel)
    {
        // The handshake goes through an ordinary link (AUTH refused, unreachable: the usual messages) ...
        await using (var probe = await RedisLink.ConnectAsync(endpoint, credentials, cancel).ConfigureAwait(false)) { }
        // ... then the writer's own socket, authenticated the same way, with its reply reader.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint.Host, endpoint.Port, cancel).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var writer = new TargetWriter(socket, endpoint);
        if (credentials is not null) writer.Send([.. credentials.AuthCommand.Select(Encoding.UTF8.GetBytes)], -1, "AUTH");
        return writer;
    }

    /// <summary>
    /// Queues a command; <paramref name="offsetAfter"/> (or -1) is the replication offset the target has
    /// applied once it answers. Blocks while too much waits for replies; throws once the writer failed.
    /// An error names <paramref name="what"/>, or the command's name and first argument (made only then:
    /// a snapshot has millions of commands and almost never an error).
    /// </summary>
    public void Send(IReadOnlyList<byte[]> command, long offsetAfter, string? what = null)
    {
        var before = _pending.WrittenCount;
        RespWriter.WriteCommand(_pending, command);
        var sent = new Sent(_pending.WrittenCount - before, what ?? (object)command, offsetAfter, IsExec(command));
        lock (_lock)
        {
            ThrowIfFailed();
            _inFlight.Enqueue(sent);
            _last = sent;
            _inFlightBytes += sent.Bytes;
        }
        if (_pending.WrittenCount >= FlushBytes) Flush();
        lock (_lock)
        {
            while (_inFlightBytes > MaxInFlightBytes && _failure is null) Monitor.Wait(_lock);
            ThrowIfFailed();
        }
    }

    /// <summary>A command of the stream the target must not receive: its offset still counts as applied once what precedes it is.</summary>
    public void Skip(long offsetAfter)
    {
        lock (_lock)
        {
            if (_inFlight.Count == 0) _appliedOffset = offsetAfter;
            else _last!.OffsetAfter = offsetAfter;
        }
    }

    /// <summary>Writes out what is queued; called by the sender before it waits for the source.</summary>
    public void Flush()
    {
        if (_pending.WrittenCount == 0) return;
        try
        {
            _stream.Write(_pending.WrittenSpan);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            Fail($"target {Endpoint}: {ex.Message}");
            ThrowIfFailed();
        }
        finally
        {
            _pending.ResetWrittenCount();
        }
    }

    /// <summary>Blocks until the target has applied <paramref name="offset"/>; false if <paramref name="stopping"/> says so first.</summary>
    public bool WaitApplied(long offset, Func<bool> stopping)
    {
        Flush();
        lock (_lock)
        {
            while (_appliedOffset < offset)
            {
                ThrowIfFailed();
                if (stopping()) return false;
                Monitor.Wait(_lock, 100);
            }
            return true;
        }
    }

    /// <summary>Waits until every queued command is answered (or the writer failed).</summary>
    public async Task DrainAsync(TimeSpan timeout, CancellationToken cancel)
    {
        Flush();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (_lock)
            {
                ThrowIfFailed();
                if (_inFlight.Count == 0) return;
            }
            if (DateTime.UtcNow > deadline) throw new MigrationRefusal($"target {Endpoint} did not answer the last commands within {timeout.TotalSeconds:0} s");
            await Task.Delay(5, cancel).ConfigureAwait(false);
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null) throw new TargetRefusedException(_failure);
    }

    private void Fail(string reason)
    {
        lock (_lock)
        {
            _failure ??= reason;
            Monitor.PulseAll(_lock);
        }
    }

    private async Task ReadRepliesAsync()
    {
        var reader = PipeReader.Create(_stream);
        try
        {
            while (true)
            {
                var reply = await reader.ReadValueAsync(RespLimits.Default, "the target closed the connection", CancellationToken.None).ConfigureAwait(false);
                Interlocked.Increment(ref _commands);
                lock (_lock)
                {
                    if (!_inFlight.TryDequeue(out var sent))
                    {
                        _failure ??= $"target {Endpoint}: a reply nobody asked for";
                        Monitor.PulseAll(_lock);
                        return;
                    }
                    _inFlightBytes -= sent.Bytes;
                    if (sent.OffsetAfter >= 0) _appliedOffset = sent.OffsetAfter;
                    if (ErrorIn(reply, sent.IsExec) is { } error) _failure ??= $"target {Endpoint} refused {sent.What}: {error}";
                    Monitor.PulseAll(_lock);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or EndOfStreamException or ObjectDisposedException or InvalidOperationException)
        {
            Fail($"target {Endpoint}: {ex.Message}");
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>An error reply, or inside an EXEC's replies the first error of a queued command.</summary>
    private static string? ErrorIn(RespValue reply, bool exec) => reply switch
    {
        RespError error => error.Text,
        RespArray array when exec => array.Items.OfType<RespError>().FirstOrDefault()?.Text,
        _ => null,
    };

    private static bool IsExec(IReadOnlyList<byte[]> command) => command.Count == 1 && Ascii.EqualsIgnoreCase(command[0], "EXEC"u8);

    /// <summary>What a command is about, for an error message: its name and first argument (the key, for most).</summary>
    public static string Describe(IReadOnlyList<byte[]> command) =>
        Encoding.UTF8.GetString(command[0]).ToUpperInvariant() + (command.Count > 1 ? $" '{RdbReader.Printable(command[1])}'" : "");

    public async ValueTask DisposeAsync()
    {
        try { _socket.Shutdown(SocketShutdown.Both); }
        catch (SocketException) { }
        await _stream.DisposeAsync().ConfigureAwait(false);
        try { await _replies.ConfigureAwait(false); }
        catch (ObjectDisposedException) { }
    }

    private sealed class Sent(int bytes, object what, long offsetAfter, bool isExec)
    {
        public int Bytes { get; } = bytes;
        public string What => what as string ?? Describe((IReadOnlyList<byte[]>)what);
        public long OffsetAfter { get; set; } = offsetAfter;
        public bool IsExec { get; } = isExec;
    }
}

/// <summary>The target refused a write (OOM, NOPERM, WRONGTYPE...) or its connection failed: the stream stops.</summary>
public sealed class TargetRefusedException(string message) : Exception(message);
