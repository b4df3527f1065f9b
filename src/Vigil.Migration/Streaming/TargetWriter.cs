using System.Buffers;
using System.Buffers.Text;
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
/// <see cref="InFlightLimitBytes"/> of commands wait for replies; the sender blocks beyond that, which in turn
/// slows the reading of the source (it buffers, as it would for a slow replica). The applied offset is the
/// replication offset of the last command the target answered. The first error reply stops everything: the
/// next <see cref="Send"/> throws with the key and the target's words.
/// </summary>
public sealed class TargetWriter : IAsyncDisposable
{
    /// <summary>The stream's connection: what may wait for the target's replies.</summary>
    public const long MaxInFlightBytes = 8L * 1024 * 1024;

    /// <summary>Commands are written to the socket in batches of this size, or when the source has nothing more for now.</summary>
    public const int FlushBytes = 256 * 1024;

    private static readonly byte[] RestoreName = "RESTORE"u8.ToArray();
    private static readonly byte[] ReplaceArg = "REPLACE"u8.ToArray();
    private static readonly byte[] AbsTtlArg = "ABSTTL"u8.ToArray();

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

    private TargetWriter(Socket socket, RedisEndpoint endpoint, long inFlightLimitBytes)
    {
        _socket = socket;
        Endpoint = endpoint;
        InFlightLimitBytes = inFlightLimitBytes;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _replies = Task.Run(ReadRepliesAsync);
    }

    public RedisEndpoint Endpoint { get; }

    /// <summary>How many bytes of commands may wait for replies before <see cref="Send"/> blocks.</summary>
    public long InFlightLimitBytes { get; }

    /// <summary>The replication offset the target has applied up to, or -1 before the snapshot was applied.</summary>
    public long AppliedOffset { get { lock (_lock) return _appliedOffset; } }

    /// <summary>Why the writer stopped (the target refused a command, the connection failed), or null.</summary>
    public string? Failure { get { lock (_lock) return _failure; } }

    /// <summary>Commands the target has answered.</summary>
    public long Applied => Interlocked.Read(ref _commands);

    public static async Task<TargetWriter> ConnectAsync(RedisEndpoint endpoint, RedisCredentials? credentials, CancellationToken cancel,
        long inFlightLimitBytes = MaxInFlightBytes)
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
        var writer = new TargetWriter(socket, endpoint, inFlightLimitBytes);
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
        Queued(new Sent(_pending.WrittenCount - before, what ?? (object)command, offsetAfter, IsExec(command)));
    }

    /// <summary>
    /// RESTORE key ttl payload REPLACE [ABSTTL], written straight into the outgoing buffer: the snapshot's
    /// millions of keys go through here, so no argument array is built (an error names the key).
    /// </summary>
    public void SendRestore(byte[] key, long ttlMs, ReadOnlySpan<byte> payload, bool absoluteTtl)
    {
        var before = _pending.WrittenCount;
        Span<byte> ttl = stackalloc byte[20];
        Utf8Formatter.TryFormat(ttlMs, ttl, out var ttlLength);
        RespWriter.WriteArrayHeader(_pending, absoluteTtl ? 6 : 5);
        RespWriter.WriteBulk(_pending, RestoreName);
        RespWriter.WriteBulk(_pending, key);
        RespWriter.WriteBulk(_pending, ttl[..ttlLength]);
        RespWriter.WriteBulk(_pending, payload);
        RespWriter.WriteBulk(_pending, ReplaceArg);
        if (absoluteTtl) RespWriter.WriteBulk(_pending, AbsTtlArg);
        Queued(new Sent(_pending.WrittenCount - before, key, -1, isExec: false));
    }

    /// <summary>Bytes of commands queued since the connection opened (the sending thread's count).</summary>
    public long BytesQueued { get; private set; }

    private void Queued(Sent sent)
    {
        BytesQueued += sent.Bytes;
        long inFlight;
        lock (_lock)
        {
            ThrowIfFailed();
            _inFlight.Enqueue(sent);
            _last = sent;
            inFlight = _inFlightBytes += sent.Bytes;
        }
        if (_pending.WrittenCount >= FlushBytes) Flush();
        if (inFlight <= InFlightLimitBytes) return;
        lock (_lock)
        {
            while (_inFlightBytes > InFlightLimitBytes && _failure is null) Monitor.Wait(_lock);
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

    /// <summary>Blocks until every queued command is answered; false if <paramref name="stopping"/> says so first.</summary>
    public bool WaitAnswered(Func<bool> stopping)
    {
        Flush();
        lock (_lock)
        {
            while (_inFlight.Count > 0)
            {
                ThrowIfFailed();
                if (stopping()) return false;
                Monitor.Wait(_lock, 100);
            }
            ThrowIfFailed();
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
        var reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                var consumed = TakeReplies(buffer);
                reader.AdvanceTo(consumed, buffer.End);
                if (result.IsCompleted) throw new EndOfStreamException("the target closed the connection");
                if (Failure is not null) return;
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

    /// <summary>
    /// Matches every whole reply in <paramref name="buffer"/> with its command, under one lock (a read holds
    /// hundreds of replies while the snapshot is written); returns where the unread part begins. A status
    /// reply (+OK, the answer to almost everything) is skipped without building a value.
    /// </summary>
    private SequencePosition TakeReplies(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        var taken = 0;
        lock (_lock)
        {
            try
            {
                while (!reader.End)
                {
                    RespValue? reply = null;
                    reader.TryPeek(out var first);
                    if (first == (byte)'+')
                    {
                        if (!reader.TryAdvanceTo((byte)'\n')) break;
                    }
                    else
                    {
                        var outcome = RespReader.TryRead(ref reader, RespLimits.Default, out reply, out var error);
                        if (outcome == RespReadResult.NeedMoreData) break;
                        if (outcome == RespReadResult.ProtocolError) throw new IOException("protocol error: " + error);
                    }
                    taken++;
                    if (!_inFlight.TryDequeue(out var sent))
                    {
                        _failure ??= $"target {Endpoint}: a reply nobody asked for";
                        break;
                    }
                    _inFlightBytes -= sent.Bytes;
                    if (sent.OffsetAfter >= 0) _appliedOffset = sent.OffsetAfter;
                    if (reply is not null && ErrorIn(reply, sent.IsExec) is { } refusal)
                    {
                        _failure ??= $"target {Endpoint} refused {sent.What}: {refusal}";
                        break;
                    }
                }
            }
            finally
            {
                Interlocked.Add(ref _commands, taken);
                if (taken > 0) Monitor.PulseAll(_lock);
            }
        }
        return reader.Position;
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
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException) { }
        await _stream.DisposeAsync().ConfigureAwait(false);
        try { await _replies.ConfigureAwait(false); }
        catch (ObjectDisposedException) { }
    }

    /// <summary>A command waiting for its reply. <paramref name="what"/> names it for an error: a text, the command, or (a RESTORE) its key alone.</summary>
    private sealed class Sent(int bytes, object what, long offsetAfter, bool isExec)
    {
        public int Bytes { get; } = bytes;
        public string What => what switch
        {
            string text => text,
            byte[] restoredKey => $"RESTORE '{RdbReader.Printable(restoredKey)}'",
            _ => Describe((IReadOnlyList<byte[]>)what),
        };
        public long OffsetAfter { get; set; } = offsetAfter;
        public bool IsExec { get; } = isExec;
    }
}

/// <summary>The target refused a write (OOM, NOPERM, WRONGTYPE...) or its connection failed: the stream stops.</summary>
public sealed class TargetRefusedException(string message) : Exception(message);
