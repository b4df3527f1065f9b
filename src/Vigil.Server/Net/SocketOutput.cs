using System.Buffers;
using System.Net.Sockets;
using System.Security.Authentication;
using Vigil.Resp;

namespace Vigil.Server.Net;

/// <summary>
/// Outgoing bytes of one connection. Replies (from a client session's own task) and pub/sub messages
/// (from the event loop) are appended under one lock into a buffer; <see cref="Flush"/> sends it on
/// the caller's thread when no send is in flight, so a reply usually leaves without a thread hop,
/// and otherwise the send in flight picks it up. <see cref="PendingBytes"/> is what the peer has not
/// taken yet, which output buffer limits are checked against. Writers never block.
/// </summary>
public sealed class SocketOutput
{
    /// <summary>
    /// First size of each of the two buffers; they grow with what is written. Most connections carry commands of tens
    /// of bytes (PING, INFO, hellos), and there are thousands of them with a large fleet.
    /// </summary>
    private const int InitialBufferBytes = 256;

    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ArrayBufferWriter<byte> _filling = new(InitialBufferBytes);
    private ArrayBufferWriter<byte>? _spare;
    private Connection? _connection;
    private CancellationToken _cancellation;
    private long _writtenBytes;
    private long _sentBytes;
    private bool _sending;
    private bool _completed;
    private TaskCompletionSource? _drainWaiter;
    private long _drainBelowBytes;

    public RespProtocol Protocol { get; set; } = RespProtocol.Resp2;

    public long PendingBytes => Interlocked.Read(ref _writtenBytes) - Interlocked.Read(ref _sentBytes);

    public void Write(RespValue value)
    {
        lock (_gate)
        {
            if (_completed) return;
            var before = _filling.WrittenCount;
            RespWriter.Write(_filling, value, Protocol);
            Interlocked.Add(ref _writtenBytes, _filling.WrittenCount - before);
        }
    }

    /// <summary>Writes with a custom encoder (hot paths that skip building a RespValue).</summary>
    public void Write<TState>(TState state, Action<IBufferWriter<byte>, TState, RespProtocol> encode)
    {
        lock (_gate)
        {
            if (_completed) return;
            var before = _filling.WrittenCount;
            encode(_filling, state, Protocol);
            Interlocked.Add(ref _writtenBytes, _filling.WrittenCount - before);
        }
    }

    /// <summary>
    /// Completes once fewer than <paramref name="bytes"/> are pending (at once if that is so already), or when
    /// the output ends. For a reader that stops taking requests while its client is not taking replies.
    /// </summary>
    public Task WhenPendingBelowAsync(long bytes)
    {
        lock (_gate)
        {
            if (_completed || PendingBytes < bytes) return Task.CompletedTask;
            _drainWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _drainBelowBytes = bytes;
            return _drainWaiter.Task;
        }
    }

    /// <summary>Starts sending what was written, unless a send is already in flight (it will take it).</summary>
    public void Flush()
    {
        ArrayBufferWriter<byte> batch;
        lock (_gate)
        {
            if (_sending || _connection is null || _filling.WrittenCount == 0) return;
            batch = TakeFillingLocked();
            _sending = true;
        }
        _ = SendAsync(batch);
    }

    /// <summary>No more writes; <see cref="RunAsync"/> ends once what was written is sent.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            if (_completed) return;
            _completed = true;
            if (!_sending && (_filling.WrittenCount == 0 || _connection is null)) _drained.TrySetResult();
        }
        ReleaseDrainWaiter();
        Flush();
    }

    /// <summary>Sends through <paramref name="connection"/> until <see cref="Complete"/> and everything is out, or a connection error.</summary>
    public async Task RunAsync(Connection connection, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _connection = connection;
            _cancellation = cancellationToken;
        }
        Flush();
        using var registration = cancellationToken.Register(() => _drained.TrySetResult());
        await _drained.Task.ConfigureAwait(false);
    }

    private ArrayBufferWriter<byte> TakeFillingLocked()
    {
        var batch = _filling;
        _filling = _spare ?? new ArrayBufferWriter<byte>(InitialBufferBytes);
        _spare = null;
        return batch;
    }

    private async Task SendAsync(ArrayBufferWriter<byte> batch)
    {
        try
        {
            while (true)
            {
                var remaining = batch.WrittenMemory;
                while (!remaining.IsEmpty)
                {
                    var sent = await _connection!.SendAsync(remaining, _cancellation).ConfigureAwait(false);
                    remaining = remaining[sent..];
                    Interlocked.Add(ref _sentBytes, sent);
                    if (Volatile.Read(ref _drainWaiter) is not null) ReleaseDrainWaiter();
                }
                batch.ResetWrittenCount();
                lock (_gate)
                {
                    if (_filling.WrittenCount == 0)
                    {
                        _spare = batch;
                        _sending = false;
                        if (_completed) _drained.TrySetResult();
                        return;
                    }
                    var next = TakeFillingLocked();
                    _spare = batch;
                    batch = next;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or AuthenticationException or OperationCanceledException or ObjectDisposedException)
        {
            lock (_gate)
            {
                _completed = true;
                _sending = false;
            }
            _drained.TrySetResult();
            ReleaseDrainWaiter();
        }
    }

    private void ReleaseDrainWaiter()
    {
        TaskCompletionSource? waiter = null;
        lock (_gate)
        {
            if (_drainWaiter is not null && (_completed || PendingBytes < _drainBelowBytes))
            {
                waiter = _drainWaiter;
                _drainWaiter = null;
            }
        }
        waiter?.TrySetResult();
    }
}
