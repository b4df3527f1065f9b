using System.Diagnostics;
using System.Threading.Channels;
using Vigil.Migration.Links;
using Vigil.Resp;

namespace Vigil.Migration.Cutover;

/// <summary>Every event of every sentinel given, in one queue: one pub/sub link per sentinel subscribed to all channels.</summary>
public sealed class SentinelEventFeed : IAsyncDisposable
{
    private readonly Channel<SentinelEvent> _events = Channel.CreateUnbounded<SentinelEvent>();
    private readonly List<RedisLink> _links = [];
    private readonly List<Task> _readers = [];
    private readonly CancellationTokenSource _stop = new();

    public static async Task<SentinelEventFeed> OpenAsync(
        IReadOnlyList<RedisEndpoint> sentinels, RedisCredentials? credentials, Stopwatch clock, CancellationToken cancel)
    {
        var feed = new SentinelEventFeed();
        try
        {
            for (var i = 0; i < sentinels.Count; i++)
            {
                var link = await RedisLink.ConnectAsync(sentinels[i], credentials, cancel).ConfigureAwait(false);
                feed._links.Add(link);
                await link.SendAsync(cancel, "PSUBSCRIBE", "*").ConfigureAwait(false);
                // The subscription is in place once confirmed: nothing published after this is missed.
                await link.ReceiveAsync(cancel).ConfigureAwait(false);
                var index = i;
                feed._readers.Add(Task.Run(() => feed.ReadAsync(link, index, clock)));
            }
            return feed;
        }
        catch
        {
            await feed.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ChannelReader<SentinelEvent> Events => _events.Reader;

    private async Task ReadAsync(RedisLink link, int index, Stopwatch clock)
    {
        try
        {
            while (true)
            {
                var items = Replies.Items(await link.ReceiveAsync(_stop.Token).ConfigureAwait(false));
                if (items.Count == 4 && Replies.Text(items[0]) == "pmessage")
                {
                    _events.Writer.TryWrite(new SentinelEvent(index, Replies.Text(items[2]) ?? "", Replies.Text(items[3]) ?? "", clock.Elapsed.TotalMilliseconds));
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or RedisLinkException)
        {
            // Stopped, or the sentinel went away: the cutover notices through its own deadlines.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_readers).ConfigureAwait(false);
        foreach (var link in _links) await link.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
