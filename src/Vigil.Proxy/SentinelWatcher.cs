using System.Globalization;
using Vigil.Resp;

namespace Vigil.Proxy;

/// <summary>
/// Follows the given sentinels like any client does: one subscription to <c>+switch-master</c> per
/// sentinel, and a poll of SENTINEL MASTER (and SENTINEL REPLICAS when replicas are served) on every
/// sentinel once a second and whenever the proxy lost its master. A sentinel that cannot be reached is
/// retried every second; the proxy reports when it loses and regains each one.
/// </summary>
public sealed class SentinelWatcher(ProxyOptions options, ControlAccess access, ProxyLog log, MasterTracker tracker, ReplicaPool? replicas)
{
    private const int RetryMs = 1000;
    private const int PollMs = 1000;
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _pollNow = new(0);
    private readonly Dictionary<HostPort, ControlClient> _queryClients = [];
    private readonly Dictionary<HostPort, string> _unreachable = [];
    private bool _noneReachableLogged;

    /// <summary>Asks every sentinel at once instead of at the next poll.</summary>
    public void PollNow()
    {
        if (_pollNow.CurrentCount == 0) _pollNow.Release();
    }

    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll([PollLoopAsync(stop), .. options.Sentinels.Select(s => SubscribeLoopAsync(s, stop))]);

    private async Task SubscribeLoopAsync(HostPort sentinel, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var client = await ControlClient.ConnectAsync(sentinel, access, QueryTimeout, stop).ConfigureAwait(false);
                var reply = await client.CallAsync(QueryTimeout, stop, "SUBSCRIBE", "+switch-master").ConfigureAwait(false);
                if (reply is RespError error) throw new IOException($"SUBSCRIBE refused: {error.Text}");
                // Switches announced while this subscription was down are learned from the sentinels' answers.
                PollNow();
                while (true)
                {
                    var items = RespFields.Items(await client.ReadAsync(stop).ConfigureAwait(false));
                    if (items.Count != 3 || RespFields.Text(items[0]) != "message" || RespFields.Text(items[1]) != "+switch-master") continue;
                    // "<name> <old-ip> <old-port> <new-ip> <new-port>"
                    var parts = (RespFields.Text(items[2]) ?? "").Split(' ');
                    if (parts.Length != 5 || parts[0] != options.MasterName) continue;
                    if (!int.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var port)) continue;
                    tracker.OnSwitchAnnounced(new HostPort(parts[3], port), sentinel.ToString());
                }
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException || (ex is OperationCanceledException && !stop.IsCancellationRequested))
            {
                // The poll loop reports the sentinel as unreachable; this loop only retries.
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try { await Task.Delay(RetryMs, stop).ConfigureAwait(false); } catch (OperationCanceledException) { return; }
        }
    }

    private async Task PollLoopAsync(CancellationToken stop)
    {
        tracker.MasterLost += PollNow;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var answers = await Task.WhenAll(options.Sentinels.Select(s => AskAsync(s, stop))).ConfigureAwait(false);
                tracker.AnySentinelReachable = answers.Any(a => a);
                ReportReachability(answers.Any(a => a));
                try { await _pollNow.WaitAsync(PollMs, stop).ConfigureAwait(false); } catch (OperationCanceledException) { return; }
            }
        }
        finally
        {
            tracker.MasterLost -= PollNow;
            foreach (var client in _queryClients.Values) await client.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>One sentinel's view of the master (and its replicas); false when it could not be asked.</summary>
    private async Task<bool> AskAsync(HostPort sentinel, CancellationToken stop)
    {
        ControlClient? client;
        lock (_queryClients) _queryClients.TryGetValue(sentinel, out client);
        try
        {
            if (client is null)
            {
                client = await ControlClient.ConnectAsync(sentinel, access, QueryTimeout, stop).ConfigureAwait(false);
                lock (_queryClients) _queryClients[sentinel] = client;
            }
            var reply = await client.CallAsync(QueryTimeout, stop, "SENTINEL", "MASTER", options.MasterName).ConfigureAwait(false);
            if (reply is RespError error) throw new IOException($"SENTINEL MASTER {options.MasterName}: {error.Text}");
            var fields = RespFields.Fields(reply);
            var address = RespFields.Address(fields) ?? throw new IOException("SENTINEL MASTER reply without ip/port");
            var epoch = long.TryParse(fields.GetValueOrDefault("config-epoch"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var e) ? e : 0;
            tracker.OnSentinelAnswer(address, epoch, sentinel.ToString());
            if (replicas is not null)
            {
                var list = await client.CallAsync(QueryTimeout, stop, "SENTINEL", "REPLICAS", options.MasterName).ConfigureAwait(false);
                replicas.Update(RespFields.Items(list).Select(RespFields.Fields).Where(RespFields.IsHealthyReplica)
                    .Select(RespFields.Address).OfType<HostPort>().ToList());
            }
            MarkReachable(sentinel);
            return true;
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException || (ex is OperationCanceledException && !stop.IsCancellationRequested))
        {
            if (client is not null)
            {
                lock (_queryClients) _queryClients.Remove(sentinel);
                await client.DisposeAsync().ConfigureAwait(false);
            }
            MarkUnreachable(sentinel, ex.Message);
            return false;
        }
    }

    private void MarkReachable(HostPort sentinel)
    {
        bool was;
        lock (_unreachable) was = _unreachable.Remove(sentinel);
        if (was) log.Write($"sentinel {sentinel} answers again");
    }

    private void MarkUnreachable(HostPort sentinel, string reason)
    {
        lock (_unreachable)
        {
            if (_unreachable.TryGetValue(sentinel, out var previous) && previous == reason) return;
            _unreachable[sentinel] = reason;
        }
        log.Write($"sentinel {sentinel} cannot be asked: {reason}; retrying every {RetryMs} ms");
    }

    private void ReportReachability(bool any)
    {
        if (any)
        {
            _noneReachableLogged = false;
            return;
        }
        if (_noneReachableLogged) return;
        _noneReachableLogged = true;
        var master = tracker.Current;
        log.Write(master is null
            ? $"error: none of the {options.Sentinels.Count} sentinels can be asked about '{options.MasterName}'; retrying every {RetryMs} ms"
            : $"none of the {options.Sentinels.Count} sentinels can be asked; keeping {master} only while it reports role master");
    }
}
