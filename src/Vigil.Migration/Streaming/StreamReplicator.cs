using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Vigil.Migration.Links;
using Vigil.Replication.Protocol;
using Vigil.Replication.Rdb;

namespace Vigil.Migration.Streaming;

/// <summary>
/// Follows the source as a replica and replays everything into the target through <see cref="TargetWriter"/>:
/// the snapshot as RESTORE commands (one per key, with its absolute expiry) or, for a target that refuses RESTORE or
/// cannot read the snapshot's RDB version, as plain commands (<see cref="PlainCommands"/>), function libraries with
/// FUNCTION LOAD, then the command stream as it comes, in order (SELECT and MULTI/EXEC included; PING and
/// REPLCONF are the link's own and skipped). The snapshot's keys are spread over several connections to the
/// target (<see cref="SnapshotLanes"/>, <paramref name="snapshotConnections"/> of them), all answered before the
/// command stream goes on through the writer's one connection. Runs on a thread of its own with blocking reads. A dropped
/// connection is resumed with PSYNC at the next offset; only when the source refuses (the backlog no longer
/// holds that offset, the source restarted) does a fresh full sync start, after FLUSHALL on the target.
/// </summary>
public sealed class StreamReplicator(RedisEndpoint source, RedisCredentials? credentials, TargetWriter writer, KeyWriting keyWriting,
    int snapshotConnections = SnapshotLanes.DefaultConnections)
{
    /// <summary>How long a read may wait: the source pings its replicas every 10 s by default and sends newlines while it prepares a snapshot.</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Acknowledgements tell the source our applied offset (what WAIT and the lag in INFO show).</summary>
    public static readonly TimeSpan AckInterval = TimeSpan.FromSeconds(1);

    /// <summary>A source that cannot be reached for this long, in a row, ends the stream.</summary>
    public static readonly TimeSpan ReconnectGiveUp = TimeSpan.FromSeconds(60);

    private readonly Lock _lock = new();
    private ReplicaLink? _link;
    private volatile bool _stopping;
    private string? _replId;
    private long _offset = -1;

    /// <summary>What the replicator is doing, for progress.</summary>
    public volatile string State = "connecting (a diskless source waits repl-diskless-sync-delay before it answers)";
    public long SnapshotKeys;
    public long SnapshotBytes;
    public int FullSyncs;
    public int PartialResyncs;
    public bool SnapshotLoaded;

    /// <summary>How many connections the last snapshot's keys went through.</summary>
    public int SnapshotConnections;

    /// <summary>How many of the last snapshot's keys went through each of those connections (the stream's own first).</summary>
    public long[] SnapshotKeysPerConnection = [];

    /// <summary>How the last snapshot's keys were written: "RESTORE" or "plain commands", null before one began.</summary>
    public volatile string? KeysWrittenWith;

    private string? _failure;

    /// <summary>Why the stream cannot go on (the source, or the target refusing a write), or null while it runs.</summary>
    public string? Failure => _failure ?? writer.Failure;

    /// <summary>The replication offset of the last command read from the source.</summary>
    public long ReadOffset => Interlocked.Read(ref _offset);

    /// <summary>Runs until <see cref="Stop"/> or a failure; returns on a dedicated thread's end.</summary>
    public Task StartAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try { Run(); }
            finally { done.SetResult(); }
        })
        { IsBackground = true, Name = "vigil-migrate-stream" };
        thread.Start();
        return done.Task;
    }

    /// <summary>Ends the stream: the connection is closed, which wakes the reading thread.</summary>
    public void Stop()
    {
        _stopping = true;
        lock (_lock) _link?.Dispose();
    }

    /// <summary>Closes the current connection as a network failure would (the stream then resumes).</summary>
    public void DropConnection()
    {
        lock (_lock) _link?.Dispose();
    }

    private void Run()
    {
        using var ack = new Timer(_ => Acknowledge(), null, AckInterval, AckInterval);
        var unreachableSince = DateTime.UtcNow;
        while (!_stopping)
        {
            try
            {
                RunConnection();
            }
            catch (Exception ex) when (ex is IOException or SocketException or EndOfStreamException or ObjectDisposedException or AggregateException)
            {
                if (_stopping) return;
                State = $"reconnecting ({ex.Message})";
                if (DateTime.UtcNow - unreachableSince > ReconnectGiveUp)
                {
                    _failure = $"source {source}: connection lost and not re-established within {ReconnectGiveUp.TotalSeconds:0} s ({ex.Message})";
                    return;
                }
                Thread.Sleep(200);
                continue;
            }
            catch (Exception ex) when (ex is ReplicationException or RdbFormatException or TargetRefusedException or InvalidDataException)
            {
                _failure = ex is RdbFormatException ? $"source {source} sent a snapshot that cannot be used: {ex.Message}" : ex.Message;
                return;
            }
            finally
            {
                lock (_lock)
                {
                    _link?.Dispose();
                    _link = null;
                }
            }
            unreachableSince = DateTime.UtcNow;
        }
    }

    private void RunConnection()
    {
        var resume = _replId is not null;
        var (link, reply) = ReplicaLink.Connect(source.Host, source.Port, credentials?.User, credentials?.Password,
            writer.Endpoint.Port, _replId ?? "?", resume ? ReadOffset + 1 : -1, ReadTimeout);
        lock (_lock)
        {
            if (_stopping)
            {
                link.Dispose();
                return;
            }
            _link = link;
        }
        link.Input.BeforeWait = writer.Flush;
        if (reply is FullResync full)
        {
            LoadSnapshot(link, full);
        }
        else
        {
            PartialResyncs++;
            if (((PartialResync)reply).NewReplId is { } id) _replId = id;
        }
        State = "streaming";
        while (true)
        {
            var (args, bytes) = link.ReadCommand();
            var offset = ReadOffset + bytes;
            if (IsLinkCommand(args))
            {
                if (args.Length > 1 && Ascii.EqualsIgnoreCase(args[0], "REPLCONF"u8) && Ascii.EqualsIgnoreCase(args[1], "GETACK"u8)) Acknowledge();
                writer.Skip(offset);
            }
            else
            {
                writer.Send(args, offset);
            }
            Interlocked.Exchange(ref _offset, offset);
        }
    }

    private void LoadSnapshot(ReplicaLink link, FullResync full)
    {
        FullSyncs++;
        SnapshotLoaded = false;
        KeysWrittenWith = null;
        _replId = null;
        State = "waiting for the snapshot";
        var transfer = link.ReadSnapshotStart();
        // Whatever an earlier, interrupted sync left on the target goes: the snapshot is the whole truth.
        writer.Send([Bytes("FLUSHALL")], -1);
        State = transfer.Diskless ? "receiving the snapshot (diskless)" : "receiving the snapshot";
        var reader = new RdbReader(link.Input);
        writer.Send([Bytes("SELECT"), Bytes("0")], -1);
        Interlocked.Exchange(ref SnapshotKeys, 0);
        // The other connections write keys only once the target has emptied itself.
        if (snapshotConnections > 1 && !writer.WaitAnswered(() => _stopping)) return;
        using var lanes = SnapshotLanes.Open(writer, credentials, snapshotConnections);
        SnapshotConnections = lanes.Count;
        link.Input.BeforeWait = lanes.Flush;
        try
        {
            if (!WriteSnapshot(link, transfer, reader, lanes)) return;
        }
        finally
        {
            SnapshotKeysPerConnection = lanes.KeysPerConnection;
            link.Input.BeforeWait = writer.Flush;
        }
        // Every key is answered on every connection: what follows on the writer's connection comes after all of them.
        // Once the target answers this PING, everything before it is applied: the offset of the snapshot.
        writer.Send([Bytes("PING")], full.Offset);
        _replId = full.ReplId;
        Interlocked.Exchange(ref _offset, full.Offset);
        // After a diskless snapshot the source holds the command stream back until the replica's first
        // ACK. Sent by the periodic timer, that ACK came up to a second late, and a cutover right after
        // the snapshot waited that long for writes the source had long acknowledged. So: once the target
        // has the snapshot (the source buffers meanwhile), acknowledge at once.
        if (!writer.WaitApplied(full.Offset, () => _stopping)) return;
        SnapshotLoaded = true;
        Acknowledge();
    }

    /// <summary>The snapshot's entries into the target, up to its end; false if stopped first.</summary>
    private bool WriteSnapshot(ReplicaLink link, SnapshotTransfer transfer, RdbReader reader, SnapshotLanes lanes)
    {
        var db = 0;
        PlainCommands? plain = null;
        while (true)
        {
            var entry = reader.Next();
            Interlocked.Exchange(ref SnapshotBytes, reader.BytesRead);
            switch (entry)
            {
                case RdbSelectDb select:
                    db = select.Db;
                    break;
                case RdbFunction function:
                    writer.Send([Bytes("FUNCTION"), Bytes("LOAD"), Bytes("REPLACE"), function.Code], -1, "FUNCTION LOAD (a library of the snapshot)");
                    break;
                case RdbKey key:
                    if (KeysWrittenWith is null)
                    {
                        // The snapshot's header was read with its first entry: now its version is known.
                        if (!keyWriting.Restores(reader.Version)) plain = new PlainCommands(keyWriting.TargetVersion);
                        KeysWrittenWith = plain is null ? "RESTORE" : "plain commands";
                    }
                    var lane = lanes.ForKey(db);
                    if (plain is null)
                    {
                        lane.SendRestore(key.Key, key.ExpireAtMs ?? 0, key.Dump.Span, key.ExpireAtMs is not null);
                    }
                    else
                    {
                        foreach (var command in plain.For(key)) lane.Send(command, -1);
                    }
                    lanes.KeyWritten();
                    Interlocked.Increment(ref SnapshotKeys);
                    break;
                case RdbEnd:
                    link.ReadSnapshotEnd(transfer, reader.BytesRead);
                    return lanes.WaitAnswered(() => _stopping);
            }
        }
    }

    private void Acknowledge()
    {
        var applied = writer.AppliedOffset;
        if (applied < 0) return;
        try
        {
            lock (_lock) _link?.Acknowledge(applied);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // The reading thread sees the broken connection and resumes it.
        }
    }

    private static bool IsLinkCommand(byte[][] args) =>
        Ascii.EqualsIgnoreCase(args[0], "PING"u8) || Ascii.EqualsIgnoreCase(args[0], "REPLCONF"u8);

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
