using System.Collections.Immutable;
using System.Threading.Channels;

namespace Vigil.Http;

/// <summary>One sentinel event as the dashboard shows it.</summary>
public sealed record SentinelEventRecord(long Seq, long UnixMs, string Type, string Message);

/// <summary>
/// Hands the sentinel's events to event-stream (SSE) clients. The loop thread writes each event into every
/// subscriber's bounded queue without waiting: a client that reads too slowly loses events (counted), it never holds
/// the loop back. The last <see cref="Kept"/> events are kept for a page that just opened.
/// </summary>
internal sealed class EventStream(Action onDropped)
{
    public const int Kept = 200;
    public const int QueuePerClient = 256;

    private Channel<SentinelEventRecord>[] _subscribers = [];
    private readonly Lock _subscribing = new(); // between HTTP threads; the loop only reads the array
    private ImmutableQueue<SentinelEventRecord> _recent = [];
    private int _recentCount;
    private long _seq;

    /// <summary>The kept events, oldest first.</summary>
    public IReadOnlyList<SentinelEventRecord> Recent => [.. Volatile.Read(ref _recent)];

    /// <summary>Loop thread only.</summary>
    public void Publish(string type, string message, long unixMs)
    {
        var record = new SentinelEventRecord(++_seq, unixMs, type, message);
        var recent = _recent.Enqueue(record);
        if (++_recentCount > Kept)
        {
            recent = recent.Dequeue();
            _recentCount--;
        }
        Volatile.Write(ref _recent, recent);
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            if (!subscriber.Writer.TryWrite(record)) onDropped();
        }
    }

    public ChannelReader<SentinelEventRecord> Subscribe()
    {
        var channel = Channel.CreateBounded<SentinelEventRecord>(new BoundedChannelOptions(QueuePerClient)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of waiting: the drop is counted
            SingleReader = true,
            SingleWriter = true,
        });
        lock (_subscribing) Volatile.Write(ref _subscribers, [.. _subscribers, channel]);
        return channel.Reader;
    }

    public void Unsubscribe(ChannelReader<SentinelEventRecord> reader)
    {
        lock (_subscribing) Volatile.Write(ref _subscribers, [.. _subscribers.Where(c => c.Reader != reader)]);
    }

    public int SubscriberCount => Volatile.Read(ref _subscribers).Length;
}
