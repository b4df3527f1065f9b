using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Vigil.Resp;

namespace Vigil.Server.Net;

/// <summary>
/// Outgoing bytes of one socket. Replies (from a client session's own task) and pub/sub messages (from the
/// event loop) are appended under one lock into a pipe that never blocks the writer; a pump task
/// drains it into the socket. <see cref="PendingBytes"/> is what the client has not read yet, which
/// the output buffer limits are checked against.
/// </summary>
public sealed class SocketOutput
{
    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false));
    private readonly Lock _gate = new();
    private long _writtenBytes;
    private long _sentBytes;
    private bool _completed;

    public RespProtocol Protocol { get; set; } = RespProtocol.Resp2;

    public long PendingBytes => Interlocked.Read(ref _writtenBytes) - Interlocked.Read(ref _sentBytes);

    public void Write(RespValue value)
    {
        lock (_gate)
        {
            if (_completed) return;
            var before = _pipe.Writer.UnflushedBytes;
            RespWriter.Write(_pipe.Writer, value, Protocol);
            Commit(before);
        }
    }

    /// <summary>Writes with a custom encoder (hot paths that skip building a RespValue).</summary>
    public void Write<TState>(TState state, Action<IBufferWriter<byte>, TState, RespProtocol> encode)
    {
        lock (_gate)
        {
            if (_completed) return;
            var before = _pipe.Writer.UnflushedBytes;
            encode(_pipe.Writer, state, Protocol);
            Commit(before);
        }
    }

    private void Commit(long before)
    {
        Interlocked.Add(ref _writtenBytes, _pipe.Writer.UnflushedBytes - before);
    }

    /// <summary>Hands what was written so far to the pump. Never blocks: the pipe has no pause threshold.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            if (_completed) return;
            var flush = _pipe.Writer.FlushAsync();
            if (!flush.IsCompleted) flush.AsTask().GetAwaiter().GetResult();
        }
    }

    public void Complete()
    {
        lock (_gate)
        {
            if (_completed) return;
            _completed = true;
            _pipe.Writer.Complete();
        }
    }

    /// <summary>Copies everything written into the socket until <see cref="Complete"/> or a socket error.</summary>
    public async Task PumpAsync(Socket socket, CancellationToken cancellationToken)
    {
        var reader = _pipe.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                {
                    var remaining = segment;
                    while (!remaining.IsEmpty)
                    {
                        var sent = await socket.SendAsync(remaining, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                        remaining = remaining[sent..];
                        Interlocked.Add(ref _sentBytes, sent);
                    }
                }
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted) break;
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }
}
