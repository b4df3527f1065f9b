namespace Vigil.Demo;

/// <summary>
/// Every event of every sentinel: one <c>PSUBSCRIBE *</c> connection per sentinel, each message stamped
/// with the demo clock as it arrives and handed to the listener.
/// </summary>
internal sealed class SentinelEventFeed : IAsyncDisposable
{
    private readonly List<SentinelEvent> _events = [];
    private readonly List<RespConnection> _connections = [];
    private readonly List<Task> _readers = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly DemoClock _clock;
    private readonly Action<SentinelEvent> _listener;

    private SentinelEventFeed(DemoClock clock, Action<SentinelEvent> listener)
    {
        _clock = clock;
        _listener = listener;
    }

    public static async Task<SentinelEventFeed> StartAsync(
        IReadOnlyList<DemoNode> sentinels, DemoClock clock, Action<SentinelEvent> listener, CancellationToken cancel)
    {
        var feed = new SentinelEventFeed(clock, listener);
        try
        {
            for (var i = 0; i < sentinels.Count; i++)
            {
                var connection = await RespConnection.ConnectAsync(sentinels[i].Port, TimeSpan.FromSeconds(5), cancel).ConfigureAwait(false);
                feed._connections.Add(connection);
                await connection.CallAsync(TimeSpan.FromSeconds(5), cancel, "PSUBSCRIBE", "*").ConfigureAwait(false);
                var sentinel = i;
                feed._readers.Add(Task.Run(() => feed.ReadAsync(connection, sentinel)));
            }
            return feed;
        }
        catch
        {
            await feed.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public IReadOnlyList<SentinelEvent> Snapshot()
    {
        lock (_events) return [.. _events];
    }

    private async Task ReadAsync(RespConnection connection, int sentinel)
    {
        try
        {
            while (true)
            {
                var message = RespReplies.Items(await connection.ReadAsync(_stop.Token).ConfigureAwait(false));
                if (message.Count != 4 || RespReplies.Text(message[0]) != "pmessage") continue;
                var received = new SentinelEvent(sentinel, RespReplies.Text(message[2]) ?? "", RespReplies.Text(message[3]) ?? "", _clock.NowMs);
                lock (_events) _events.Add(received);
                _listener(received);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Stopped, or the sentinel went away: its events end here.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_readers).ConfigureAwait(false);
        foreach (var connection in _connections) await connection.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
