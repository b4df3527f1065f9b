using System.Diagnostics;
using Vigil.Http;

namespace Vigil.Http.Tests;

public sealed class EventStreamTests
{
    [Fact]
    public void A_subscriber_that_never_reads_loses_events_and_the_publisher_never_waits()
    {
        int dropped = 0;
        var stream = new EventStream(() => dropped++);
        var stuck = stream.Subscribe();
        var reading = stream.Subscribe();
        var received = new List<long>();
        var started = Stopwatch.GetTimestamp();
        for (int i = 0; i < 100_000; i++)
        {
            stream.Publish("+set", "master m 1.2.3.4 5 quorum 2", i);
            while (reading.TryRead(out var record)) received.Add(record.Seq);
        }
        var took = Stopwatch.GetElapsedTime(started);
        Assert.Equal(100_000 - EventStream.QueuePerClient, dropped);
        Assert.Equal(100_000, received.Count);
        Assert.Equal(EventStream.Kept, stream.Recent.Count);
        Assert.Equal(100_000, stream.Recent[^1].Seq);
        Assert.True(took < TimeSpan.FromSeconds(5), $"publishing took {took}");
        stream.Unsubscribe(stuck);
        stream.Unsubscribe(reading);
        Assert.Equal(0, stream.SubscriberCount);
    }
}
