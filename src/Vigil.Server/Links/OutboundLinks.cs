using System.Collections.Concurrent;
using Vigil.Sentinel;
using Vigil.Server.Logging;
using Vigil.Server.Loop;
using Vigil.Tls;

namespace Vigil.Server.Links;

/// <summary>
/// Carries out the core's link effects: opens, feeds and closes <see cref="OutboundLink"/>s. With
/// <paramref name="tls"/> (<c>tls-replication yes</c>) every link, to Redis and to peers alike, speaks TLS.
/// </summary>
public sealed class OutboundLinks(Clock clock, CancellationToken stopping, TlsContext? tls = null, SentinelLog? log = null)
{
    private readonly ConcurrentDictionary<LinkId, OutboundLink> _links = new();
    private readonly List<Task> _running = [];
    // Links written since the last FlushSent; only the thread driving the core sends, so no lock.
    private readonly List<OutboundLink> _unflushed = [];

    public EventLoop? Loop { get; set; }

    public void Open(OpenLink open)
    {
        var link = new OutboundLink(open, Loop ?? throw new InvalidOperationException("link manager has no loop"), clock, tls, log);
        if (_links.TryRemove(open.Link, out var previous)) previous.Close();
        _links[open.Link] = link;
        lock (_running)
        {
            _running.RemoveAll(t => t.IsCompleted);
            _running.Add(Task.Run(() => link.RunAsync(stopping), CancellationToken.None));
        }
    }

    /// <summary>Queues the command on its link; it leaves at <see cref="FlushSent"/>.</summary>
    public void Send(SendCommand send)
    {
        if (_links.TryGetValue(send.Link, out var link) && link.Send(send.Args)) _unflushed.Add(link);
    }

    /// <summary>
    /// Sends what the commands queued since the last call, one write per link: a tick that visits many masters sends
    /// many hellos to each peer sentinel, and each would otherwise be its own packet and wake-up at both ends.
    /// </summary>
    public void FlushSent()
    {
        foreach (var link in _unflushed) link.Flush();
        _unflushed.Clear();
    }

    public void Close(CloseLink close)
    {
        if (_links.TryRemove(close.Link, out var link)) link.Close();
    }

    public async Task StopAsync()
    {
        foreach (var link in _links.Values) link.Close();
        Task[] running;
        lock (_running) running = [.. _running];
        await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    }
}
