using System.Globalization;
using System.Text;
using Vigil.Migration.Links;

namespace Vigil.Migration.Streaming;

/// <summary>
/// The connections a snapshot's keys are written through: the stream's own writer plus extra connections to the
/// target, opened for one snapshot and closed after it. A snapshot holds each key once, so keys are independent
/// and may be applied in any order; all commands of one key go through one connection (plain commands can be
/// several per key), which keeps their order. Keys go to one connection until about a flush's worth of bytes
/// was written to it, then to the next, so the target always has whole batches to read on several sockets and
/// the reading of the source is not held up by one socket's full buffer. Each connection follows the
/// snapshot's databases with its own SELECT. The extra connections share <see cref="ExtraInFlightBytes"/>
/// between them, so what waits for replies stays bounded however many there are.
/// </summary>
public sealed class SnapshotLanes : IDisposable
{
    /// <summary>Connections the snapshot is written through by default (the stream's own included).</summary>
    public const int DefaultConnections = 4;

    /// <summary>The most a snapshot may be written through: the target's single thread gains nothing beyond a few.</summary>
    public const int MaxConnections = 16;

    /// <summary>What the extra connections together may have waiting for replies (besides the stream's own writer's limit).</summary>
    public const long ExtraInFlightBytes = TargetWriter.MaxInFlightBytes;

    private readonly TargetWriter[] _lanes;
    private readonly int[] _db;
    private readonly long[] _keys;
    private int _current;
    private long _queuedAtRotation;

    private SnapshotLanes(TargetWriter[] lanes)
    {
        _lanes = lanes;
        _db = new int[lanes.Length];
        _keys = new long[lanes.Length];
    }

    /// <summary>How many connections the keys go through.</summary>
    public int Count => _lanes.Length;

    /// <summary>How many keys went through each connection, the stream's own first.</summary>
    public long[] KeysPerConnection => [.. _keys];

    /// <summary>
    /// The stream's writer and up to <paramref name="connections"/> - 1 more connections to its target. The
    /// writer's connection must already be in database 0. A connection that cannot be opened (the target's
    /// maxclients, say) leaves fewer lanes: the snapshot goes through those that opened.
    /// </summary>
    public static SnapshotLanes Open(TargetWriter main, RedisCredentials? credentials, int connections)
    {
        var lanes = new List<TargetWriter> { main };
        var extraLimit = Math.Max(TargetWriter.FlushBytes * 2L, ExtraInFlightBytes / Math.Max(1, connections - 1));
        for (var i = 1; i < connections; i++)
        {
            try
            {
                lanes.Add(TargetWriter.ConnectAsync(main.Endpoint, credentials, CancellationToken.None, extraLimit).GetAwaiter().GetResult());
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or MigrationRefusal or TimeoutException)
            {
                break;
            }
        }
        return new SnapshotLanes([.. lanes]);
    }

    /// <summary>
    /// The connection for the next key, switched to database <paramref name="db"/>. Call <see cref="KeyWritten"/>
    /// after all of the key's commands were sent through it.
    /// </summary>
    public TargetWriter ForKey(int db)
    {
        var lane = _lanes[_current];
        if (_db[_current] != db)
        {
            lane.Send([Encoding.ASCII.GetBytes("SELECT"), Encoding.ASCII.GetBytes(db.ToString(CultureInfo.InvariantCulture))], -1);
            _db[_current] = db;
        }
        return lane;
    }

    /// <summary>After a key's commands: once the connection had a batch's worth, it is flushed and the next one takes over.</summary>
    public void KeyWritten()
    {
        _keys[_current]++;
        if (_lanes.Length == 1) return;
        var lane = _lanes[_current];
        if (lane.BytesQueued - _queuedAtRotation < TargetWriter.FlushBytes) return;
        lane.Flush();
        _current = (_current + 1) % _lanes.Length;
        _queuedAtRotation = _lanes[_current].BytesQueued;
        ThrowIfAnyFailed();
    }

    /// <summary>Writes out what every connection has queued (the source has nothing more for now).</summary>
    public void Flush()
    {
        foreach (var lane in _lanes) lane.Flush();
    }

    /// <summary>Blocks until every connection has its commands answered; false if <paramref name="stopping"/> says so first. Throws on a refusal.</summary>
    public bool WaitAnswered(Func<bool> stopping)
    {
        Flush();
        foreach (var lane in _lanes)
        {
            if (!lane.WaitAnswered(stopping)) return false;
        }
        return true;
    }

    /// <summary>A refusal on any connection stops the snapshot at once, not only when its turn comes again.</summary>
    private void ThrowIfAnyFailed()
    {
        foreach (var lane in _lanes)
        {
            if (lane.Failure is { } failure) throw new TargetRefusedException(failure);
        }
    }

    /// <summary>Closes the extra connections; the stream's writer stays.</summary>
    public void Dispose()
    {
        for (var i = 1; i < _lanes.Length; i++) _lanes[i].DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
