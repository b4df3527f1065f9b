using System.Diagnostics;
using Vigil.Migration.Links;
using Vigil.Migration.Preflight;
using Vigil.Migration.Replication;
using Vigil.Migration.Reporting;
using Vigil.Resp;

namespace Vigil.Migration.Cutover;

/// <summary>
/// The cutover without sentinels: pause writes on the source, wait until the first target has every byte
/// the source acknowledged, promote the target, make the source its replica, unpause. Writes that clients
/// sent during the pause are held by the source and answered READONLY once it is a replica: none is
/// acknowledged and lost. Any failure before the source became a replica rolls back to the source as the
/// writable master; the pause also lapses by itself if migrate dies.
/// </summary>
public sealed class DirectCutover(MigrationPlan plan, MigrationJournal journal, ProgressDisplay progress, MigrationReport report)
{
    /// <summary>The pause Redis is asked for: it ends by itself after this even if migrate never unpauses.</summary>
    public const int PauseSafetyMs = 10_000;

    /// <summary>How long the target may take to reach the source's offset before the cutover is rolled back.</summary>
    public static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(5);

    public async Task RunAsync()
    {
        // The cutover is short and bounded; it is not cancelled half-way (Ctrl-C waits for it).
        var cancel = CancellationToken.None;
        var credentials = plan.Options.Credentials;
        var first = plan.First;
        await using var source = await RedisLink.ConnectAsync(plan.Source.Endpoint, credentials, cancel).ConfigureAwait(false);
        await using var target = await RedisLink.ConnectAsync(first.Endpoint, credentials, cancel).ConfigureAwait(false);
        if (credentials is not null)
        {
            // Set before the pause so the pause is not spent on it; harmless while the source is a master.
            await journal.SetConfigAsync(source, "masterauth", credentials.Password, cancel).ConfigureAwait(false);
            if (credentials.User is not null) await journal.SetConfigAsync(source, "masteruser", credentials.User, cancel).ConfigureAwait(false);
        }
        var replicaOf = plan.Source.ReplicaOfCommand!;
        var clock = Stopwatch.StartNew();
        var paused = await source.CallAsync(cancel, "CLIENT", "PAUSE", PauseSafetyMs.ToString(System.Globalization.CultureInfo.InvariantCulture), "WRITE").ConfigureAwait(false);
        if (paused is RespError pauseError) throw new CutoverFailed($"source {source.Endpoint} refused CLIENT PAUSE WRITE: {pauseError.Text}");
        try
        {
            var sourceOffset = (await ReplicationPhase.InfoAsync(source, cancel, "replication").ConfigureAwait(false)).Long("master_repl_offset") ?? 0;
            await WaitForOffsetAsync(target, sourceOffset).ConfigureAwait(false);
            var promoted = await target.CallAsync(cancel, first.ReplicaOfCommand!, "NO", "ONE").ConfigureAwait(false);
            if (promoted is RespError promoteError) throw new CutoverFailed($"target {first.Endpoint} refused {first.ReplicaOfCommand} NO ONE: {promoteError.Text}");
        }
        catch (Exception ex) when (ex is CutoverFailed or RedisLinkException)
        {
            await UnpauseAsync(source).ConfigureAwait(false);
            throw ex as CutoverFailed ?? new CutoverFailed(ex.Message, ex);
        }
        // From here the target is a master: the source must become its replica before writes resume, or go back.
        var demoted = await DemoteAsync(source, replicaOf).ConfigureAwait(false);
        if (demoted is not null)
        {
            try
            {
                await target.CallAsync(cancel, first.ReplicaOfCommand!, plan.Source.Endpoint.Host, plan.Source.Endpoint.PortText).ConfigureAwait(false);
            }
            finally
            {
                await UnpauseAsync(source).ConfigureAwait(false);
            }
            throw new CutoverFailed($"source {source.Endpoint} refused {replicaOf} {first.Endpoint} ({demoted}); {first.Endpoint} went back to replicating the source");
        }
        await UnpauseAsync(source).ConfigureAwait(false);
        report.WritePauseMs = clock.Elapsed.TotalMilliseconds;
        progress.Line($"cutover: {first.Endpoint} is the master, {plan.Source.Endpoint} replicates it; writes were paused {Units.Ms(report.WritePauseMs.Value)}");
    }

    private async Task WaitForOffsetAsync(RedisLink target, long sourceOffset)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var offset = (await ReplicationPhase.InfoAsync(target, CancellationToken.None, "replication").ConfigureAwait(false)).Long("slave_repl_offset") ?? 0;
            if (offset >= sourceOffset) return;
            if (deadline.Elapsed > CatchUpTimeout)
            {
                throw new CutoverFailed($"target {target.Endpoint} did not reach the source's offset {sourceOffset} within {CatchUpTimeout.TotalSeconds:0} s (at {offset}); writes resumed on the source");
            }
            // INFO costs the target microseconds; a short yield keeps this loop from monopolising a core.
            await Task.Delay(1).ConfigureAwait(false);
        }
    }

    /// <summary>REPLICAOF the new master; null on success, else the error.</summary>
    private async Task<string?> DemoteAsync(RedisLink source, string replicaOf)
    {
        var first = plan.First.Endpoint;
        try
        {
            var reply = await source.CallAsync(CancellationToken.None, replicaOf, first.Host, first.PortText).ConfigureAwait(false);
            return reply is RespError error ? error.Text : null;
        }
        catch (RedisLinkException ex)
        {
            return ex.Message;
        }
    }

    private static async Task UnpauseAsync(RedisLink source)
    {
        try
        {
            await source.CallAsync(CancellationToken.None, "CLIENT", "UNPAUSE").ConfigureAwait(false);
        }
        catch (RedisLinkException)
        {
            // The pause lapses by itself after PauseSafetyMs.
        }
    }
}
