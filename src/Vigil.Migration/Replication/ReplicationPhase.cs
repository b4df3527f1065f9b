using System.Diagnostics;
using Vigil.Migration.Links;
using Vigil.Migration.Preflight;
using Vigil.Migration.Reporting;
using Vigil.Resp;

namespace Vigil.Migration.Replication;

/// <summary>
/// Attaches the targets (the first to the source, the others to the first) and follows them until every
/// one is in sync, showing RDB bytes, then the offset lag in bytes and seconds.
/// </summary>
public sealed class ReplicationPhase(MigrationPlan plan, MigrationJournal journal, ProgressDisplay progress, MigrationReport report)
{
    /// <summary>Polling period while following the sync.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// A target whose sync shows no change for this long, while the source is not producing an RDB, is stuck
    /// (a link that keeps failing: wrong masterauth, SYNC refused by the source, a network block).
    /// </summary>
    public static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(120);

    /// <summary>The sentinel group must choose the first target: the lowest priority number wins among eligible replicas.</summary>
    public const int FirstTargetPriority = 1;

    private readonly RedisCredentials? _credentials = plan.Options.Credentials;

    private readonly Stopwatch _sinceAttach = new();

    public async Task AttachAsync(CancellationToken cancel)
    {
        _sinceAttach.Start();
        for (var i = 0; i < plan.Targets.Count; i++)
        {
            var target = plan.Targets[i];
            var upstream = plan.UpstreamOf(i);
            await using var link = await RedisLink.ConnectAsync(target.Endpoint, _credentials, cancel).ConfigureAwait(false);
            if (_credentials is not null)
            {
                // The replication link authenticates like migrate does.
                await journal.SetConfigAsync(link, "masterauth", _credentials.Password, cancel).ConfigureAwait(false);
                if (_credentials.User is not null) await journal.SetConfigAsync(link, "masteruser", _credentials.User, cancel).ConfigureAwait(false);
            }
            if (i == 0 && plan.Group is not null)
            {
                await journal.SetConfigAsync(link, "replica-priority", FirstTargetPriority.ToString(System.Globalization.CultureInfo.InvariantCulture), cancel).ConfigureAwait(false);
            }
            var command = target.ReplicaOfCommand!;
            journal.Attach(target.Endpoint, command);
            var reply = await link.CallAsync(cancel, command, upstream.Host, upstream.PortText).ConfigureAwait(false);
            if (reply is RespError error)
            {
                throw new MigrationRefusal($"target {target.Endpoint} refused {command} {upstream}: {error.Text}" +
                    (error.Text.Contains("unknown command", StringComparison.OrdinalIgnoreCase) ? "; such targets need the stream mode (--mode stream), not available yet" : ""));
            }
            progress.Line($"{target.Endpoint}: {command} {upstream}");
        }
    }

    /// <summary>Returns once every target is in sync; the statuses of that moment.</summary>
    public async Task<IReadOnlyList<TargetStatus>> WaitInSyncAsync(CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var history = new OffsetHistory();
        var links = new List<RedisLink>();
        var lastChange = new (string State, double AtSeconds)[plan.Targets.Count];
        try
        {
            var source = await RedisLink.ConnectAsync(plan.Source.Endpoint, _credentials, cancel).ConfigureAwait(false);
            links.Add(source);
            foreach (var target in plan.Targets) links.Add(await RedisLink.ConnectAsync(target.Endpoint, _credentials, cancel).ConfigureAwait(false));
            while (true)
            {
                var infos = new List<InfoFields>();
                for (var i = 1; i < links.Count; i++)
                {
                    infos.Add(await InfoAsync(links[i], cancel, "replication", "persistence").ConfigureAwait(false));
                }
                // The source is read after the targets, so its offset is never behind what they report.
                var sourceInfo = await InfoAsync(source, cancel, "replication", "persistence").ConfigureAwait(false);
                if (sourceInfo["role"] != "master")
                {
                    throw new MigrationRefusal($"source {plan.Source.Endpoint} stopped being a master during the sync (role {sourceInfo["role"]})");
                }
                var now = clock.Elapsed.TotalSeconds;
                history.Add(now, sourceInfo.Long("master_repl_offset") ?? 0);
                var statuses = new List<TargetStatus>();
                for (var i = 0; i < infos.Count; i++)
                {
                    var status = TargetStatus.From(plan.Targets[i].Endpoint, infos[i]);
                    status = status with
                    {
                        LagBytes = Math.Max(0, history.Latest - status.Offset),
                        LagSeconds = history.LagSeconds(status.Offset, now),
                    };
                    report.NoteRdbBytes(i, status.RdbReadBytes);
                    var state = $"{status.LinkUp}/{status.SyncInProgress}/{status.RdbReadBytes}/{status.LoadedBytes}/{status.Offset}";
                    if (state != lastChange[i].State || sourceInfo["rdb_bgsave_in_progress"] == "1") lastChange[i] = (state, now);
                    else if (!status.InSync && now - lastChange[i].AtSeconds > StallTimeout.TotalSeconds)
                    {
                        throw new MigrationRefusal($"target {status.Endpoint} made no progress for {StallTimeout.TotalSeconds:0} s ({status.Describe()}): see its log (masterauth, a source that refuses SYNC, the network)");
                    }
                    if (status.InSync) report.NoteInSync(i, _sinceAttach.Elapsed.TotalSeconds);
                    statuses.Add(status);
                }
                progress.Show($"[{Units.Seconds(now)}] " + string.Join("  |  ", statuses.Select((s, i) => $"target {i + 1} {s.Describe()}")));
                if (statuses.All(s => s.InSync))
                {
                    progress.EndLive();
                    return statuses;
                }
                await Task.Delay(PollInterval, cancel).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var link in links) await link.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal static async Task<InfoFields> InfoAsync(RedisLink link, CancellationToken cancel, params string[] sections)
    {
        var reply = await link.CallAsync(cancel, ["INFO", .. sections]).ConfigureAwait(false);
        if (reply is RespError error) throw new RedisLinkException($"{link.Endpoint}: INFO refused: {error.Text}");
        return InfoFields.Parse(Replies.Text(reply));
    }
}
