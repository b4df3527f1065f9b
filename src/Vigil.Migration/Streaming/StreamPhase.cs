using System.Diagnostics;
using Vigil.Migration.Links;
using Vigil.Migration.Preflight;
using Vigil.Migration.Replication;
using Vigil.Migration.Reporting;

namespace Vigil.Migration.Streaming;

/// <summary>
/// The stream mode's replication: starts the replicator into the target and follows it until it is in sync,
/// showing the snapshot's keys and bytes, then the lag (the source's offset minus the applied offset) in
/// bytes and seconds.
/// </summary>
public sealed class StreamPhase(MigrationPlan plan, ProgressDisplay progress, MigrationReport report) : IAsyncDisposable
{
    /// <summary>
    /// How often the source's offset is read until in sync. Shorter than the replicaof mode's polling (which asks every
    /// target's INFO): the applied offset is known here without asking, and an INFO of the source is cheap, so
    /// the moment the target is in sync is seen within 50 ms instead of 200.
    /// </summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly Stopwatch _sinceStart = new();
    private TargetWriter? _writer;
    private Task? _running;

    public StreamReplicator? Replicator { get; private set; }
    public TargetWriter Writer => _writer ?? throw new InvalidOperationException("not started");

    public async Task StartAsync(CancellationToken cancel)
    {
        _sinceStart.Start();
        _writer = await TargetWriter.ConnectAsync(plan.First.Endpoint, plan.Options.Credentials, cancel).ConfigureAwait(false);
        Replicator = new StreamReplicator(plan.Source.Endpoint, plan.Options.Credentials, _writer, plan.KeyWriting, plan.Options.SnapshotConnections);
        _running = Replicator.StartAsync();
        progress.Line($"{plan.Source.Endpoint}: replicating into {plan.First.Endpoint} (PSYNC, then {plan.KeyWriting.Describe(plan.Source)}, then the command stream)");
    }

    /// <summary>Returns once the applied offset is under 1 s behind the source; the status of that moment.</summary>
    public async Task<TargetStatus> WaitInSyncAsync(CancellationToken cancel)
    {
        var replicator = Replicator!;
        var clock = Stopwatch.StartNew();
        var history = new OffsetHistory();
        await using var source = await RedisLink.ConnectAsync(plan.Source.Endpoint, plan.Options.Credentials, cancel).ConfigureAwait(false);
        while (true)
        {
            ThrowIfStopped();
            var info = await ReplicationPhase.InfoAsync(source, cancel, "replication").ConfigureAwait(false);
            if (info["role"] != "master")
            {
                throw new MigrationRefusal($"source {plan.Source.Endpoint} stopped being a master during the sync (role {info["role"]})");
            }
            var now = clock.Elapsed.TotalSeconds;
            history.Add(now, info.Long("master_repl_offset") ?? 0);
            var status = Status(history, now);
            report.NoteRdbBytes(0, Interlocked.Read(ref replicator.SnapshotBytes));
            progress.Show($"[{Units.Seconds(now)}] target 1 {Describe(status)}");
            if (status.InSync)
            {
                report.NoteInSync(0, _sinceStart.Elapsed.TotalSeconds);
                progress.EndLive();
                return status;
            }
            await Task.Delay(PollInterval, cancel).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Keeps streaming for <paramref name="duration"/> once in sync, sampling the lag every 100 ms (the report gets its
    /// highest and mean); returns the status of the last sample.
    /// </summary>
    public async Task<TargetStatus> HoldAsync(TimeSpan duration, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var history = new OffsetHistory();
        await using var source = await RedisLink.ConnectAsync(plan.Source.Endpoint, plan.Options.Credentials, cancel).ConfigureAwait(false);
        var samples = new List<TargetStatus>();
        while (true)
        {
            ThrowIfStopped();
            var now = clock.Elapsed.TotalSeconds;
            var info = await ReplicationPhase.InfoAsync(source, cancel, "replication").ConfigureAwait(false);
            history.Add(now, info.Long("master_repl_offset") ?? 0);
            var status = Status(history, now);
            // The first samples have too short a history to say how old the applied offset is.
            if (now > 1) samples.Add(status);
            progress.Show($"[{Units.Seconds(now)}] streaming {Units.Seconds(duration.TotalSeconds)} before the cutover: {Describe(status)}");
            if (clock.Elapsed >= duration && samples.Count > 0)
            {
                report.SteadyLagSecondsMax = samples.Max(s => s.LagSeconds);
                report.SteadyLagSecondsMean = samples.Average(s => s.LagSeconds);
                report.SteadyLagBytesMax = samples.Max(s => s.LagBytes);
                progress.EndLive();
                progress.Line($"streamed {Units.Seconds(now)} in sync: lag at most {report.SteadyLagSecondsMax:0.00} s ({Units.Bytes(report.SteadyLagBytesMax.Value)}), " +
                    $"mean {report.SteadyLagSecondsMean:0.00} s over {samples.Count} samples");
                return status;
            }
            await Task.Delay(100, cancel).ConfigureAwait(false);
        }
    }

    public TargetStatus Status(OffsetHistory history, double now)
    {
        var applied = Writer.AppliedOffset;
        return new TargetStatus
        {
            Endpoint = plan.First.Endpoint,
            LinkUp = applied >= 0 && Replicator!.State == "streaming",
            SyncInProgress = !Replicator!.SnapshotLoaded || applied < 0,
            RdbReadBytes = Interlocked.Read(ref Replicator.SnapshotBytes),
            Offset = Math.Max(0, applied),
            LagBytes = applied < 0 ? 0 : Math.Max(0, history.Latest - applied),
            LagSeconds = applied < 0 ? double.MaxValue : history.LagSeconds(applied, now),
        };
    }

    private string Describe(TargetStatus status)
    {
        var replicator = Replicator!;
        if (status.SyncInProgress)
        {
            return $"{replicator.State}: {Units.N(Interlocked.Read(ref replicator.SnapshotKeys))} keys, {Units.Bytes(status.RdbReadBytes)}";
        }
        return replicator.State == "streaming"
            ? $"lag {Units.Bytes(status.LagBytes)} / {status.LagSeconds:0.00} s" + (status.InSync ? " (in sync)" : "")
            : replicator.State;
    }

    /// <summary>The replicator ended by itself: a failure that stops the migration.</summary>
    public void ThrowIfStopped()
    {
        if (Replicator?.Failure is { } failure) throw new MigrationRefusal(failure);
        if (_running is { IsCompleted: true }) throw new MigrationRefusal($"the stream from {plan.Source.Endpoint} stopped");
    }

    /// <summary>Stops reading the source and waits until the target answered what was sent.</summary>
    public async Task StopAsync(bool drain)
    {
        if (Replicator is null || _running is null) return;
        Replicator.Stop();
        await _running.ConfigureAwait(false);
        if (drain) await Writer.DrainAsync(TimeSpan.FromSeconds(30), CancellationToken.None).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(drain: false).ConfigureAwait(false);
        if (_writer is not null) await _writer.DisposeAsync().ConfigureAwait(false);
    }
}
