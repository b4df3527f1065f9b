using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using Vigil.Integration.Infrastructure;
using Vigil.Resp;

namespace Vigil.Integration.Proxy;

/// <summary>
/// A client without Sentinel support: it knows one address (the proxy's), writes <c>SET w:&lt;id&gt; id</c>
/// one after another, and on any error or closed connection simply connects to the same address again.
/// It records which writes were acknowledged and when.
/// </summary>
internal sealed class PlainWriter(int port)
{
    /// <summary>A reply later than this counts as a failed write and the connection is dropped.</summary>
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(5);

    private readonly List<(long Id, long AtMs)> _acked = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _nextId;
    private int _failures;

    public long NowMs => _clock.ElapsedMilliseconds;
    public long NextId => Interlocked.Read(ref _nextId);
    public int Failures => Volatile.Read(ref _failures);

    public static string Key(long id) => "w:" + id.ToString(CultureInfo.InvariantCulture);

    public IReadOnlyList<(long Id, long AtMs)> Acked
    {
        get { lock (_acked) return [.. _acked]; }
    }

    public int AckedCount
    {
        get { lock (_acked) return _acked.Count; }
    }

    /// <summary>The longest time between two consecutive acknowledgements whose later one came at or after <paramref name="fromMs"/>.</summary>
    public long LongestGapMs(long fromMs, long toMs)
    {
        lock (_acked)
        {
            long longest = 0;
            for (var i = 1; i < _acked.Count; i++)
            {
                if (_acked[i].AtMs >= fromMs && _acked[i - 1].AtMs <= toMs) longest = Math.Max(longest, _acked[i].AtMs - _acked[i - 1].AtMs);
            }
            return longest;
        }
    }

    /// <summary>When the first write acknowledged at or after <paramref name="fromMs"/> was acknowledged; null if none was.</summary>
    public long? FirstAckAtOrAfter(long fromMs)
    {
        lock (_acked)
        {
            foreach (var (_, atMs) in _acked)
            {
                if (atMs >= fromMs) return atMs;
            }
            return null;
        }
    }

    public async Task RunAsync(CancellationToken stop)
    {
        RespTestClient? client = null;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var id = Interlocked.Increment(ref _nextId) - 1;
                try
                {
                    client ??= await RespTestClient.ConnectAsync(port);
                    var buffer = new ArrayBufferWriter<byte>();
                    RespWriter.WriteCommand(buffer, "SET", Key(id), id.ToString(CultureInfo.InvariantCulture));
                    await client.SendRawAsync(buffer.WrittenMemory);
                    var reply = await client.ReadAsync(ReplyTimeout);
                    if (reply is RespSimpleString { Text: "OK" })
                    {
                        lock (_acked) _acked.Add((id, _clock.ElapsedMilliseconds));
                    }
                    else
                    {
                        Interlocked.Increment(ref _failures);
                    }
                }
                catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException or InvalidOperationException)
                {
                    // Not acknowledged: it may or may not have been applied. Reconnect to the same address, as such clients do.
                    Interlocked.Increment(ref _failures);
                    if (client is not null) await client.DisposeAsync();
                    client = null;
                }
                // A steady pace (a few hundred writes a second) rather than a busy loop on a shared machine.
                try { await Task.Delay(2, stop); } catch (OperationCanceledException) { }
            }
        }
        finally
        {
            if (client is not null) await client.DisposeAsync();
        }
    }
}
