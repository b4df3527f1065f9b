using System.Diagnostics;
using System.Globalization;
using Vigil.Migration.Links;
using Vigil.Migration.Preflight;
using Vigil.Resp;

namespace Vigil.Migration.Cutover;

/// <summary>
/// The stream mode's switch of a Vigil sentinel group: the target cannot be promoted by a failover (it is no
/// replica of the group), so every sentinel of the group is told with <c>SENTINEL MOVE-MASTER</c>, Vigil's own
/// subcommand, while the source's writes are paused and after it was fenced. Each sentinel takes a new epoch,
/// names the target the master and publishes <c>+switch-master</c>. If one refuses, the sentinels already moved are
/// moved back to the source, so the group never stays split.
/// </summary>
public sealed class SentinelMove(MigrationPlan plan) : IAsyncDisposable
{
    private static readonly TimeSpan AnnounceTimeout = TimeSpan.FromSeconds(5);

    private readonly SentinelGroupFacts _group = plan.Group!;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private SentinelEventFeed? _feed;
    private readonly List<RedisLink> _links = [];

    /// <summary>
    /// Before the pause: subscribes to every sentinel's events, so no <c>+switch-master</c> is missed, and opens the
    /// connection MOVE-MASTER will go on (a connection made during the pause would lengthen it).
    /// </summary>
    public async Task OpenAsync()
    {
        _feed = await SentinelEventFeed.OpenAsync(_group.Sentinels, _group.SentinelCredentials, _clock, CancellationToken.None).ConfigureAwait(false);
        foreach (var sentinel in _group.Sentinels)
        {
            _links.Add(await RedisLink.ConnectAsync(sentinel, _group.SentinelCredentials, CancellationToken.None).ConfigureAwait(false));
        }
    }

    /// <summary>
    /// During the pause: moves every sentinel to the target (each one checks itself that it answers <c>role:master</c>
    /// and refuses otherwise) and waits for each one's <c>+switch-master</c> naming it. Throws <see cref="CutoverFailed"/> with every sentinel back on the
    /// source when one refuses. Returns the sentinels whose <c>+switch-master</c> was not seen (each answered OK, and
    /// the agreement check that follows decides).
    /// </summary>
    public async Task<IReadOnlyList<RedisEndpoint>> MoveAsync(Action<string> step)
    {
        var target = plan.First.Endpoint;
        // All at once: a sentinel told later could first adopt a moved peer's configuration by hello, which carries
        // the old nodes over and sends the old master under the target.
        var replies = await Task.WhenAll(_group.Sentinels.Select((sentinel, i) => TrySendAsync(sentinel, target, step, _links[i]))).ConfigureAwait(false);
        var moved = _group.Sentinels.Where((_, i) => replies[i] is null).ToList();
        var refused = _group.Sentinels.Select((sentinel, i) => (sentinel, replies[i])).Where(r => r.Item2 is not null).ToList();
        if (refused.Count > 0)
        {
            var back = await MoveBackAsync(moved).ConfigureAwait(false);
            var (sentinel, refusal) = refused[0];
            throw new CutoverFailed($"sentinel {sentinel} refused SENTINEL MOVE-MASTER {_group.MasterName}: {refusal}{back}");
        }
        var silent = await WaitAnnouncedAsync(target).ConfigureAwait(false);
        step("+switch-master seen");
        return silent;
    }

    private async Task<string?> TrySendAsync(RedisEndpoint sentinel, RedisEndpoint master, Action<string>? step = null, RedisLink? open = null)
    {
        try
        {
            return await SendAsync(sentinel, master, step, open).ConfigureAwait(false);
        }
        catch (RedisLinkException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>On <paramref name="open"/> (the connection opened before the pause) or on a new one.</summary>
    private async Task<string?> SendAsync(RedisEndpoint sentinel, RedisEndpoint master, Action<string>? step, RedisLink? open)
    {
        var link = open ?? await RedisLink.ConnectAsync(sentinel, _group.SentinelCredentials, CancellationToken.None).ConfigureAwait(false);
        try
        {
            return await MoveMasterAsync(link, sentinel, master, step).ConfigureAwait(false);
        }
        finally
        {
            if (open is null) await link.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<string?> MoveMasterAsync(RedisLink link, RedisEndpoint sentinel, RedisEndpoint master, Action<string>? step)
    {
        var reply = await link.CallAsync("SENTINEL", "MOVE-MASTER", _group.MasterName, master.Host, master.PortText).ConfigureAwait(false);
        step?.Invoke($"{sentinel} answered");
        return reply is RespError error ? error.Text : null;
    }

    private async Task<string> MoveBackAsync(List<RedisEndpoint> moved)
    {
        var problems = new List<string>();
        foreach (var sentinel in moved)
        {
            if (await TrySendAsync(sentinel, plan.Source.Endpoint).ConfigureAwait(false) is { } error) problems.Add($"{sentinel}: {error}");
        }
        if (moved.Count == 0) return "";
        return problems.Count == 0
            ? $"; the {moved.Count} sentinel(s) already moved were moved back to {plan.Source.Endpoint}"
            : $"; moving back to {plan.Source.Endpoint} failed on {string.Join(", ", problems)}";
    }

    /// <summary>Each sentinel publishes +switch-master as it answers MOVE-MASTER: all of them must have.</summary>
    private async Task<IReadOnlyList<RedisEndpoint>> WaitAnnouncedAsync(RedisEndpoint target)
    {
        var announced = new HashSet<int>();
        using var deadline = new CancellationTokenSource(AnnounceTimeout);
        while (announced.Count < _group.Sentinels.Count)
        {
            SentinelEvent e;
            try
            {
                e = await _feed!.Events.ReadAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            if (e.Channel != "+switch-master") continue;
            // <name> <old-ip> <old-port> <new-ip> <new-port>
            var parts = e.Payload.Split(' ');
            if (parts.Length == 5 && parts[0] == _group.MasterName
                && int.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                && await PreflightRunner.SameAddressAsync(target, parts[3], port, CancellationToken.None).ConfigureAwait(false))
            {
                announced.Add(e.Sentinel);
            }
        }
        return [.. _group.Sentinels.Where((_, i) => !announced.Contains(i))];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var link in _links) await link.DisposeAsync().ConfigureAwait(false);
        if (_feed is not null) await _feed.DisposeAsync().ConfigureAwait(false);
    }
}
