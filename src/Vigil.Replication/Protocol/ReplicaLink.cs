using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Vigil.Replication.Rdb;
using Vigil.Resp;

namespace Vigil.Replication.Protocol;

/// <summary>
/// One connection to a Redis master, as a replica: handshake (AUTH, REPLCONF listening-port and capabilities),
/// PSYNC, then the snapshot and the command stream read with blocking calls from one thread. Acknowledgements
/// may be sent from another thread. Closing the link (<see cref="Dispose"/>) wakes a blocked reader with an
/// exception.
/// </summary>
public sealed class ReplicaLink : IDisposable
{
    /// <summary>The longest command we accept from the stream, as Redis's own client limits (1 GB of arguments).</summary>
    private const long MaxCommandBytes = 1L << 30;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly Lock _writeLock = new();

    private ReplicaLink(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Input = new ByteInput(_stream);
    }

    public ByteInput Input { get; }

    /// <summary>
    /// Connects and performs the handshake up to PSYNC's answer. <paramref name="replId"/> "?" with offset -1
    /// asks for a full sync; otherwise the stream is asked from <paramref name="nextOffset"/>.
    /// </summary>
    public static (ReplicaLink Link, PsyncReply Reply) Connect(
        string host, int port, string? user, string? password, int listeningPort, string replId, long nextOffset, TimeSpan timeout)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        ReplicaLink? link = null;
        try
        {
            var connect = socket.ConnectAsync(host, port);
            if (!connect.Wait(timeout)) throw new IOException($"connecting to {host}:{port}: no answer within {timeout.TotalSeconds:0} s");
            socket.ReceiveTimeout = (int)timeout.TotalMilliseconds;
            link = new ReplicaLink(socket);
            if (password is not null)
            {
                link.Expect(user is null ? ["AUTH", password] : ["AUTH", user, password], "AUTH");
            }
            link.Expect(["REPLCONF", "listening-port", listeningPort.ToString(CultureInfo.InvariantCulture)], "REPLCONF listening-port");
            link.Expect(["REPLCONF", "capa", "eof", "capa", "psync2"], "REPLCONF capa");
            link.Send(["PSYNC", replId, nextOffset.ToString(CultureInfo.InvariantCulture)]);
            var reply = link.ReadStatusLine();
            PsyncReply answer;
            if (reply.StartsWith("+FULLRESYNC ", StringComparison.Ordinal))
            {
                var parts = reply.Split(' ');
                if (parts.Length != 3 || parts[1].Length != 40 || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
                {
                    throw new ReplicationException($"malformed PSYNC answer '{reply}'");
                }
                answer = new FullResync(parts[1], offset);
            }
            else if (reply.StartsWith("+CONTINUE", StringComparison.Ordinal))
            {
                var id = reply.Length > 10 ? reply[10..].Trim() : null;
                answer = new PartialResync(string.IsNullOrEmpty(id) ? null : id);
            }
            else
            {
                throw new ReplicationException($"the source refused PSYNC: {reply.TrimStart('-')}");
            }
            return (link, answer);
        }
        catch
        {
            if (link is not null) link.Dispose();
            else socket.Dispose();
            throw;
        }
    }

    /// <summary>Reads the snapshot's header line, skipping the newlines a master sends while it prepares the snapshot.</summary>
    public SnapshotTransfer ReadSnapshotStart()
    {
        var line = ReadStatusLine();
        if (!line.StartsWith('$')) throw new ReplicationException($"expected the snapshot, got '{Truncate(line)}'");
        if (line.StartsWith("$EOF:", StringComparison.Ordinal))
        {
            var mark = Encoding.ASCII.GetBytes(line[5..]);
            if (mark.Length != SnapshotTransfer.EndMarkBytes) throw new ReplicationException($"malformed diskless snapshot header '{Truncate(line)}'");
            return new SnapshotTransfer(null, mark);
        }
        if (!long.TryParse(line.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            throw new ReplicationException($"malformed snapshot header '{Truncate(line)}'");
        }
        return new SnapshotTransfer(length, null);
    }

    /// <summary>After the snapshot's EOF opcode: checks that the transfer ended where the source said it would.</summary>
    public void ReadSnapshotEnd(SnapshotTransfer transfer, long snapshotBytes)
    {
        if (transfer.EndMark is { } mark)
        {
            var seen = new byte[SnapshotTransfer.EndMarkBytes];
            Input.ReadExactly(seen);
            if (!seen.AsSpan().SequenceEqual(mark)) throw new RdbFormatException("the diskless snapshot does not end with its end mark: corrupt transfer");
        }
        else if (transfer.Length != snapshotBytes)
        {
            throw new RdbFormatException($"the snapshot announced {transfer.Length} bytes but its content ended after {snapshotBytes}");
        }
    }

    /// <summary>
    /// The next command of the replication stream and how many bytes it took (what the replication offset
    /// counts). The stream is arrays of bulk strings only.
    /// </summary>
    public (byte[][] Args, long Bytes) ReadCommand()
    {
        var start = Input.Position;
        var count = ReadHeader((byte)'*', int.MaxValue);
        if (count < 1) throw new ReplicationException("unexpected data in the replication stream: an empty command");
        var args = new byte[count][];
        long total = 0;
        for (var i = 0; i < count; i++)
        {
            var length = ReadHeader((byte)'$', MaxCommandBytes);
            if ((total += length) > MaxCommandBytes) throw new ReplicationException($"a command of more than {MaxCommandBytes} bytes in the replication stream");
            args[i] = new byte[length];
            Input.ReadExactly(args[i]);
            if (Input.ReadByte() != '\r' || Input.ReadByte() != '\n') throw new ReplicationException("a bulk string not ended by CRLF in the replication stream");
        }
        return (args, Input.Position - start);
    }

    /// <summary>
    /// A <c>*n</c> or <c>$n</c> line's number, read byte by byte (a line of its own would cost two allocations per
    /// argument, and the stream is mostly short commands).
    /// </summary>
    private long ReadHeader(byte prefix, long max)
    {
        var first = Input.ReadByte();
        if (first == prefix)
        {
            long value = 0;
            var digits = 0;
            while (true)
            {
                var b = Input.ReadByte();
                if (b is >= (byte)'0' and <= (byte)'9' && digits < 18)
                {
                    value = value * 10 + (b - '0');
                    digits++;
                    continue;
                }
                if (b == '\r' && digits > 0 && value <= max && Input.ReadByte() == '\n') return value;
                break;
            }
        }
        throw new ReplicationException($"unexpected data in the replication stream near offset {Input.Position}: expected '{(char)prefix}' and a length");
    }

    /// <summary><c>REPLCONF ACK offset</c>: tells the source how far we have applied; safe from any thread.</summary>
    public void Acknowledge(long offset) => Send(["REPLCONF", "ACK", offset.ToString(CultureInfo.InvariantCulture)]);

    /// <summary>How long a blocking read may wait for the source (its pings arrive every repl-ping-replica-period).</summary>
    public TimeSpan ReadTimeout
    {
        set => _socket.ReceiveTimeout = (int)value.TotalMilliseconds;
    }

    private void Expect(string[] command, string what)
    {
        Send(command);
        var reply = ReadStatusLine();
        if (reply.StartsWith('-')) throw new ReplicationException($"the source refused {what}: {reply[1..]}");
    }

    private void Send(string[] command)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        RespWriter.WriteCommand(buffer, command);
        lock (_writeLock)
        {
            _stream.Write(buffer.WrittenSpan);
        }
    }

    /// <summary>A reply line; empty lines are the keep-alives a master sends while it prepares a snapshot.</summary>
    private string ReadStatusLine()
    {
        while (true)
        {
            var line = Input.ReadLine();
            if (line.Length > 0) return line;
        }
    }

    private static string Truncate(string text) => text.Length <= 60 ? text : text[..60] + "...";

    public void Dispose()
    {
        try { _socket.Shutdown(SocketShutdown.Both); }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
        _stream.Dispose();
    }
}
