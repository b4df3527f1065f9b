using System.Diagnostics;
using System.Globalization;
using Vigil.Migration.Links;
using Vigil.Migration.Preflight;
using Vigil.Migration.Replication;
using Vigil.Migration.Reporting;
using Vigil.Resp;

namespace Vigil.Migration.Cutover;

/// <summary>
/// The cutover through the sentinel group watching the source. Vigil's SENTINEL FAILOVER is a planned
/// switchover that pauses writes on the master until the chosen replica has its offset, so no acknowledged
/// write is lost and clients that follow the sentinels move by themselves. Migrate makes sure the group
/// chooses the first target: it must be a discovered, healthy replica with the lowest priority number.
/// </summary>
public sealed class SentinelCutover(MigrationPlan plan, MigrationJournal journal, ProgressDisplay progress, MigrationReport report)
{
    public static readonly TimeSpan DiscoveryTimeout = TimeSpan.FromSeconds(90);
    public static readonly TimeSpan SwitchTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly SentinelGroupFacts _group = plan.Group!;
    private readonly RedisCredentials? _credentials = plan.Options.Credentials;

    /// <summary>
    /// Before the cutover (cancellable): waits until every sentinel lists the first target as a healthy replica
    /// with its priority, and takes the other replicas that could compete (priority as low or lower) out of the
    /// choice for the time of the switchover.
    /// </summary>
    public async Task PrepareAsync(CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var demoted = new HashSet<RedisEndpoint>();
        while (true)
        {
            var waitingFor = new List<string>();
            for (var i = 0; i < _group.Sentinels.Count; i++)
            {
                var replicas = await ReplicasAsync(i, cancel).ConfigureAwait(false);
                var first = await FindAsync(replicas, plan.First.Endpoint, cancel).ConfigureAwait(false);
                if (first is null) { waitingFor.Add($"sentinel {_group.Sentinels[i]} to discover {plan.First.Endpoint}"); continue; }
                var flags = first.GetValueOrDefault("flags", "");
                if (flags.Contains("s_down", StringComparison.Ordinal) || flags.Contains("disconnected", StringComparison.Ordinal)
                    || first.GetValueOrDefault("master-link-status") != "ok"
                    || first.GetValueOrDefault("slave-priority") != ReplicationPhase.FirstTargetPriority.ToString(CultureInfo.InvariantCulture))
                {
                    waitingFor.Add($"sentinel {_group.Sentinels[i]} to see {plan.First.Endpoint} healthy with priority {ReplicationPhase.FirstTargetPriority}");
                    continue;
                }
                if (i != 0) continue;
                // Only the sentinel asked to fail over chooses; its view of the competitors is what counts.
                foreach (var replica in replicas)
                {
                    if (SentinelLinks.Address(replica) is not { } address || address == plan.First.Endpoint) continue;
                    if (!int.TryParse(replica.GetValueOrDefault("slave-priority"), NumberStyles.None, CultureInfo.InvariantCulture, out var priority)
                        || priority == 0 || priority > ReplicationPhase.FirstTargetPriority) continue;
                    if (demoted.Add(address))
                    {
                        await using var link = await RedisLink.ConnectAsync(address, _credentials, cancel).ConfigureAwait(false);
                        await journal.SetConfigAsync(link, "replica-priority", "0", cancel).ConfigureAwait(false);
                    }
                    waitingFor.Add($"sentinel {_group.Sentinels[0]} to see replica {address} at priority 0");
                }
            }
            if (waitingFor.Count == 0)
            {
                progress.EndLive();
                progress.Line($"sentinels: every sentinel lists {plan.First.Endpoint} as a replica of '{_group.MasterName}'");
                return;
            }
            if (clock.Elapsed > DiscoveryTimeout)
            {
                throw new MigrationRefusal($"the group did not get ready for the switchover within {DiscoveryTimeout.TotalSeconds:0} s: waiting for {waitingFor[0]}");
            }
            progress.Show($"[{Units.Seconds(clock.Elapsed.TotalSeconds)}] waiting for {waitingFor[0]}");
            await Task.Delay(PollInterval, cancel).ConfigureAwait(false);
        }
    }

    /// <summary>The switchover itself. Once the group accepted SENTINEL FAILOVER it is the group's to finish; this follows it.</summary>
    public async Task RunAsync()
    {
        var cancel = CancellationToken.None;
        var clock = Stopwatch.StartNew();
        await using var feed = await SentinelEventFeed.OpenAsync(_group.Sentinels, _group.SentinelCredentials, clock, cancel).ConfigureAwait(false);
        await using (var link = await RedisLink.ConnectAsync(_group.Sentinels[0], _group.SentinelCredentials, cancel).ConfigureAwait(false))
        {
            var reply = await link.CallAsync(cancel, "SENTINEL", "FAILOVER", _group.MasterName).ConfigureAwait(false);
            if (reply is RespError error) throw new CutoverFailed($"sentinel {_group.Sentinels[0]} refused SENTINEL FAILOVER {_group.MasterName}: {error.Text}");
        }
        progress.Line($"cutover: SENTINEL FAILOVER {_group.MasterName} sent to {_group.Sentinels[0]}");
        Task<double?>? demotion = null;
        double? pauseAtMs = null;
        using var deadline = new CancellationTokenSource(SwitchTimeout);
        using var stopWatching = new CancellationTokenSource();
        try
        {
            while (true)
            {
                SentinelEvent e;
                try
                {
                    e = await feed.Events.ReadAsync(deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    throw new MigrationRefusal($"no +switch-master from sentinel {_group.Sentinels[0]} within {SwitchTimeout.TotalSeconds:0} s after SENTINEL FAILOVER; check the group (SENTINEL MASTER {_group.MasterName})");
                }
                if (e.Sentinel != 0) continue;
                if (e.Channel == "+switchover-pause-writes" && pauseAtMs is null)
                {
                    pauseAtMs = e.AtMs;
                    demotion = WatchDemotionAsync(clock, stopWatching.Token);
                }
                else if (e.Channel.StartsWith("-failover-abort", StringComparison.Ordinal))
                {
                    throw new CutoverFailed($"the group aborted the switchover ({e.Channel} {e.Payload}); the source is still the master");
                }
                else if (e.Channel == "+switch-master")
                {
                    await CheckPromotedAsync(e.Payload, cancel).ConfigureAwait(false);
                    break;
                }
            }
            if (demotion is not null && pauseAtMs is { } start && await demotion.ConfigureAwait(false) is { } end)
            {
                report.WritePauseMs = end - start;
            }
        }
        finally
        {
            await stopWatching.CancelAsync().ConfigureAwait(false);
            if (demotion is not null) await demotion.ConfigureAwait(false);
        }
        await SentinelAgreement.WaitAsync(_group, plan.First.Endpoint).ConfigureAwait(false);
        progress.Line($"cutover: every sentinel names {plan.First.Endpoint} the master of '{_group.MasterName}'" +
            (report.WritePauseMs is { } pause ? $"; writes were paused {Units.Ms(pause)} (from +switchover-pause-writes to the source becoming a replica)" : ""));
    }

    /// <summary>After a RESET the sentinels forget the old nodes; waits until none lists any of them.</summary>
    public async Task ForgetAsync(IReadOnlyList<RedisEndpoint> oldNodes)
    {
        var cancel = CancellationToken.None;
        for (var i = 0; i < _group.Sentinels.Count; i++)
        {
            await using var link = await RedisLink.ConnectAsync(_group.Sentinels[i], _group.SentinelCredentials, cancel).ConfigureAwait(false);
            await link.CallAsync(cancel, "SENTINEL", "RESET", _group.MasterName).ConfigureAwait(false);
        }
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string? remembered = null;
            for (var i = 0; i < _group.Sentinels.Count && remembered is null; i++)
            {
                foreach (var replica in await ReplicasAsync(i, cancel).ConfigureAwait(false))
                {
                    if (SentinelLinks.Address(replica) is { } address && await AnyAsync(oldNodes, address, cancel).ConfigureAwait(false))
                    {
                        remembered = $"sentinel {_group.Sentinels[i]} still lists {address}";
                        break;
                    }
                }
            }
            if (remembered is null) return;
            if (clock.Elapsed > SentinelAgreement.Timeout) throw new MigrationRefusal($"after SENTINEL RESET {_group.MasterName}: {remembered}");
            await Task.Delay(PollInterval, cancel).ConfigureAwait(false);
        }
    }

    private async Task CheckPromotedAsync(string payload, CancellationToken cancel)
    {
        // <name> <old-ip> <old-port> <new-ip> <new-port>
        var parts = payload.Split(' ');
        if (parts.Length == 5 && parts[0] == _group.MasterName
            && int.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            && await PreflightRunner.SameAddressAsync(plan.First.Endpoint, parts[3], port, cancel).ConfigureAwait(false))
        {
            return;
        }
        throw new MigrationRefusal($"the group promoted another node than {plan.First.Endpoint}: +switch-master {payload}");
    }

    /// <summary>
    /// Polls the source's role from the pause on: the sentinel unpauses it right after making it a replica.
    /// The same transaction kills normal clients, this poller included, so it reconnects and goes on.
    /// </summary>
    private async Task<double?> WatchDemotionAsync(Stopwatch clock, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var link = await RedisLink.ConnectAsync(plan.Source.Endpoint, _credentials, stop).ConfigureAwait(false);
                while (true)
                {
                    var role = Replies.Items(await link.CallAsync(stop, "ROLE").ConfigureAwait(false));
                    if (role.Count > 0 && Replies.Text(role[0]) == "slave") return clock.Elapsed.TotalMilliseconds;
                    await Task.Delay(1, stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            catch (RedisLinkException)
            {
                // Killed by the sentinel's CLIENT KILL, or the node is briefly unreachable: poll again.
            }
        }
        return null;
    }

    private async Task<List<Dictionary<string, string>>> ReplicasAsync(int sentinel, CancellationToken cancel)
    {
        await using var link = await RedisLink.ConnectAsync(_group.Sentinels[sentinel], _group.SentinelCredentials, cancel).ConfigureAwait(false);
        var reply = await link.CallAsync(cancel, "SENTINEL", "REPLICAS", _group.MasterName).ConfigureAwait(false);
        return [.. Replies.Items(reply).Select(Replies.Fields)];
    }

    private static async Task<Dictionary<string, string>?> FindAsync(List<Dictionary<string, string>> replicas, RedisEndpoint node, CancellationToken cancel)
    {
        foreach (var replica in replicas)
        {
            if (SentinelLinks.Address(replica) is { } address
                && await PreflightRunner.SameAddressAsync(node, address.Host, address.Port, cancel).ConfigureAwait(false)) return replica;
        }
        return null;
    }

    private static async Task<bool> AnyAsync(IReadOnlyList<RedisEndpoint> nodes, RedisEndpoint address, CancellationToken cancel)
    {
        foreach (var node in nodes)
        {
            if (await PreflightRunner.SameAddressAsync(node, address.Host, address.Port, cancel).ConfigureAwait(false)) return true;
        }
        return false;
    }
}
