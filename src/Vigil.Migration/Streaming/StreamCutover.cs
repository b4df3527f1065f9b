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
/// during the pause are answered that way when it ends: none is acknowledged and lost. Reads go on.
/// </summary>
public sealed class StreamCutover(MigrationPlan plan, StreamPhase stream, ProgressDisplay progress, MigrationReport report)
{
    /// <summary>No source has this many replicas: with it, every write is refused.</summary>
    public const int FenceReplicas = 1_000_000;

    public async Task RunAsync()
    {
        var cancel = CancellationToken.None;
        await using var source = await RedisLink.ConnectAsync(plan.Source.Endpoint, plan.Options.Credentials, cancel).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var paused = await source.CallAsync(cancel, "CLIENT", "PAUSE", DirectCutover.PauseSafetyMs.ToString(CultureInfo.InvariantCulture), "WRITE").ConfigureAwait(false);
        if (paused is RespError pauseError) throw new CutoverFailed($"source {source.Endpoint} refused CLIENT PAUSE WRITE: {pauseError.Text}");
        try
        {
            var sourceOffset = (await ReplicationPhase.InfoAsync(source, cancel, "replication").ConfigureAwait(false)).Long("master_repl_offset") ?? 0;
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
            await FenceAsync(source).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is CutoverFailed or RedisLinkException or MigrationRefusal)
        {
            await UnpauseAsync(source).ConfigureAwait(false);
            throw ex as CutoverFailed ?? new CutoverFailed(ex.Message, ex);
        }
        await UnpauseAsync(source).ConfigureAwait(false);
        report.WritePauseMs = clock.Elapsed.TotalMilliseconds;
        progress.Line($"cutover: {plan.First.Endpoint} has every write of {plan.Source.Endpoint}, which now refuses writes (NOREPLICAS); " +
            $"writes were paused {Units.Ms(report.WritePauseMs.Value)}. Repoint clients to {plan.First.Endpoint} now.");
    }

    private static async Task FenceAsync(RedisLink source)
    {
        // The lag bound must be non-zero for min-replicas-to-write to be enforced at all.
        var lag = Replies.Fields(await source.CallAsync(CancellationToken.None, "CONFIG", "GET", "min-replicas-max-lag").ConfigureAwait(false));
        if (lag.GetValueOrDefault("min-replicas-max-lag") == "0")
        {
            await ExpectOkAsync(source, "min-replicas-max-lag", "10").ConfigureAwait(false);
        }
        await ExpectOkAsync(source, "min-replicas-to-write", FenceReplicas.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
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
