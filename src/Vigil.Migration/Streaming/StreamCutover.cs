using System.Diagnostics;
using System.Globalization;
using Vigil.Migration.Cutover;
using Vigil.Migration.Links;
using Vigil.Migration.Preflight;
using Vigil.Migration.Replication;
using Vigil.Migration.Reporting;
using Vigil.Resp;

namespace Vigil.Migration.Streaming;

/// <summary>
/// The stream mode's cutover: pause writes on the source, wait until the target has applied the source's
/// offset, fence the source, unpause. The target cannot be made a master of the source's replicas (it refuses
/// replication), so instead of demoting the source migrate fences it: <c>min-replicas-to-write</c> set
/// beyond any replica count makes the source answer every write with <c>-NOREPLICAS</c>. The writes held
/// during the pause are answered that way when it ends: none is acknowledged and lost. Reads go on. With a
/// Vigil sentinel group watching the source, every sentinel is moved to the target before the pause ends
/// (<see cref="SentinelMove"/>), so clients that follow the sentinels go there by themselves.
/// </summary>
public sealed class StreamCutover(MigrationPlan plan, StreamPhase stream, ProgressDisplay progress, MigrationReport report)
{
    /// <summary>No source has this many replicas: with it, every write is refused.</summary>
    public const int FenceReplicas = 1_000_000;

    public async Task RunAsync()
    {
        var cancel = CancellationToken.None;
        await using var source = await RedisLink.ConnectAsync(plan.Source.Endpoint, plan.Options.Credentials, cancel).ConfigureAwait(false);
        await using var move = plan.Group is null ? null : new SentinelMove(plan);
        if (move is not null)
        {
            try
            {
                await move.OpenAsync().ConfigureAwait(false);
            }
            catch (RedisLinkException ex)
            {
                throw new CutoverFailed($"could not follow the sentinels' events ({ex.Message}); nothing was paused");
            }
        }
        IReadOnlyList<RedisEndpoint> silent = [];
        var clock = Stopwatch.StartNew();
        // Sentinels are told at once: their steps may be noted from several tasks.
        void Step(string step)
        {
            lock (report.PauseSteps) report.PauseSteps.Add((step, clock.Elapsed.TotalMilliseconds));
        }
        var paused = await source.CallAsync(cancel, "CLIENT", "PAUSE", DirectCutover.PauseSafetyMs.ToString(CultureInfo.InvariantCulture), "WRITE").ConfigureAwait(false);
        if (paused is RespError pauseError) throw new CutoverFailed($"source {source.Endpoint} refused CLIENT PAUSE WRITE: {pauseError.Text}");
        Step("paused");
        try
        {
            var sourceOffset = (await ReplicationPhase.InfoAsync(source, cancel, "replication").ConfigureAwait(false)).Long("master_repl_offset") ?? 0;
            Step("offset read");
            var deadline = Stopwatch.StartNew();
            while (stream.Writer.AppliedOffset < sourceOffset)
            {
                stream.ThrowIfStopped();
                if (deadline.Elapsed > DirectCutover.CatchUpTimeout)
                {
                    throw new CutoverFailed($"target {plan.First.Endpoint} did not apply the source's offset {sourceOffset} within {DirectCutover.CatchUpTimeout.TotalSeconds:0} s (at {stream.Writer.AppliedOffset}); writes resumed on the source");
                }
                await Task.Delay(1, cancel).ConfigureAwait(false);
            }
            Step("offset applied");
            await FenceAsync(source).ConfigureAwait(false);
            Step("fenced");
            if (move is not null) silent = await move.MoveAsync(Step).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is CutoverFailed or RedisLinkException or MigrationRefusal)
        {
            await LiftFenceAsync(source).ConfigureAwait(false);
            await UnpauseAsync(source).ConfigureAwait(false);
            throw ex as CutoverFailed ?? new CutoverFailed(ex.Message, ex);
        }
        await UnpauseAsync(source).ConfigureAwait(false);
        report.WritePauseMs = clock.Elapsed.TotalMilliseconds;
        Step("unpaused");
        var pause = $"writes were paused {Units.Ms(report.WritePauseMs.Value)} ({string.Join(", ", report.PauseSteps.Select(s => $"{s.Step} {Units.Ms(s.AtMs)}"))})";
        if (move is null)
        {
            progress.Line($"cutover: {plan.First.Endpoint} has every write of {plan.Source.Endpoint}, which now refuses writes (NOREPLICAS); " +
                $"{pause}. Repoint clients to {plan.First.Endpoint} now.");
            return;
        }
        var group = plan.Group!;
        progress.Line($"cutover: {plan.First.Endpoint} has every write of {plan.Source.Endpoint}, which now refuses writes (NOREPLICAS); " +
            $"SENTINEL MOVE-MASTER {group.MasterName} on every sentinel; {pause}" +
            (silent.Count == 0 ? "" : $" (no +switch-master seen from {string.Join(", ", silent)})"));
        await SentinelAgreement.WaitAsync(group, plan.First.Endpoint).ConfigureAwait(false);
        progress.Line($"cutover: every sentinel names {plan.First.Endpoint} the master of '{group.MasterName}'; clients that follow the sentinels move by themselves");
    }

    /// <summary>Set only when this run changed it: the lag bound, which must be non-zero for the fence to hold.</summary>
    private bool _raisedMaxLag;
    private bool _fenceTried;

    private async Task FenceAsync(RedisLink source)
    {
        _fenceTried = true;
        var lag = Replies.Fields(await source.CallAsync(CancellationToken.None, "CONFIG", "GET", "min-replicas-max-lag").ConfigureAwait(false));
        if (lag.GetValueOrDefault("min-replicas-max-lag") == "0")
        {
            await ExpectOkAsync(source, "min-replicas-max-lag", "10").ConfigureAwait(false);
            _raisedMaxLag = true;
        }
        await ExpectOkAsync(source, "min-replicas-to-write", FenceReplicas.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
    }

    /// <summary>A rollback after the fence: the source takes writes again, with its own settings.</summary>
    private async Task LiftFenceAsync(RedisLink source)
    {
        if (!_fenceTried) return;
        try
        {
            var before = (plan.Source.MinReplicasToWrite ?? 0).ToString(CultureInfo.InvariantCulture);
            await source.CallAsync(CancellationToken.None, "CONFIG", "SET", "min-replicas-to-write", before).ConfigureAwait(false);
            if (_raisedMaxLag) await source.CallAsync(CancellationToken.None, "CONFIG", "SET", "min-replicas-max-lag", "0").ConfigureAwait(false);
        }
        catch (RedisLinkException)
        {
            // Unreachable: the fence stays, which refuses writes rather than losing them.
        }
    }

    private static async Task ExpectOkAsync(RedisLink source, string parameter, string value)
    {
        var reply = await source.CallAsync(CancellationToken.None, "CONFIG", "SET", parameter, value).ConfigureAwait(false);
        if (reply is RespError error) throw new CutoverFailed($"source {source.Endpoint} refused CONFIG SET {parameter} (the fence): {error.Text}");
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
