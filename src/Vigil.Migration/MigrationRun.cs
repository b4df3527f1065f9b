using Vigil.Migration.Cutover;
using Vigil.Migration.Links;
using Vigil.Migration.Preflight;
using Vigil.Migration.Replication;
using Vigil.Migration.Reporting;
using Vigil.Migration.Streaming;
using Vigil.Resp;

namespace Vigil.Migration;

/// <summary>
/// One <c>vigil migrate</c>: preflight, replicate, cut over, finish. An abort (Ctrl-C, SIGTERM, or
/// <c>vigil migrate abort</c>) before the cutover undoes what migrate did; during the cutover it is noted and
/// the cutover finishes or rolls back by itself, since stopping half-way could leave a paused source or
/// two masters.
/// </summary>
public sealed class MigrationRun(MigrateOptions options, TextWriter output, TextWriter errors, bool live, Func<bool>? confirm)
{
    private readonly CancellationTokenSource _abort = new();
    private readonly MigrationReport _report = new();
    private readonly ProgressDisplay _progress = new(output, live);
    private volatile bool _abortRequested;

    public MigrationPhase Phase { get; private set; } = MigrationPhase.Preflight;

    /// <summary>From a signal handler: aborts now before the cutover, and is refused (with a line) after it started.</summary>
    public void RequestAbort()
    {
        _abortRequested = true;
        if (Phase is MigrationPhase.Preflight or MigrationPhase.Replicating)
        {
            _abort.Cancel();
        }
        else if (Phase is MigrationPhase.Cutover)
        {
            _progress.Line("abort requested during the cutover: it finishes or rolls back by itself, never half-way");
        }
    }

    public async Task<int> RunAsync()
    {
        try
        {
            return await RunPhasesAsync().ConfigureAwait(false);
        }
        finally
        {
            if (Phase != MigrationPhase.Preflight) MigrationStateFile.Delete(options.StateFile);
            if (options.JsonPath is not null) _report.Save(options.JsonPath);
        }
    }

    private async Task<int> RunPhasesAsync()
    {
        _report.Source = options.Source!.ToString();
        _report.Targets = [.. options.Targets.Select(t => t.ToString())];
        _report.Begin("preflight");
        MigrationPlan plan;
        try
        {
            plan = await PreflightRunner.RunAsync(options, _abort.Token).ConfigureAwait(false);
        }
        catch (MigrationRefusal refusal)
        {
            return Fail("refused", refusal.Message);
        }
        catch (OperationCanceledException)
        {
            return Fail("aborted", "aborted during preflight: nothing was changed");
        }
        _report.SourceKeys = plan.Source.Keys;
        _report.SourceUsedMemoryBytes = plan.Source.UsedMemoryBytes;
        _report.Cutover = plan.Group is null ? "direct" : "sentinel";
        output.WriteLine("Plan:");
        foreach (var line in plan.Describe()) output.WriteLine("  " + line);
        if (options.PlanOnly)
        {
            output.WriteLine("--plan: nothing was changed.");
            _report.Result = "planned";
            return 0;
        }
        if (!options.Yes)
        {
            if (confirm is null) return Fail("refused", "migrate changes servers: pass --yes to run it without a terminal (or --plan to only see the plan)");
            if (!confirm()) return Fail("refused", "not confirmed: nothing was changed");
        }
        if (MigrationStateFile.Load(options.StateFile) is { } running && ProcessIsAlive(running.Pid))
        {
            return Fail("refused", $"another migration is running (pid {running.Pid}, {options.StateFile}): one at a time");
        }

        if (plan.Mode == MigrationMode.Stream) return await RunStreamAsync(plan).ConfigureAwait(false);

        var journal = new MigrationJournal(options.Credentials);
        var sentinelCutover = plan.Group is null ? null : new SentinelCutover(plan, journal, _progress, _report);
        IReadOnlyList<TargetStatus> inSync;
        try
        {
            EnterPhase(MigrationPhase.Replicating, plan);
            _report.Begin("replicate");
            var replication = new ReplicationPhase(plan, journal, _progress, _report);
            await replication.AttachAsync(_abort.Token).ConfigureAwait(false);
            _report.Begin("sync");
            inSync = await replication.WaitInSyncAsync(_abort.Token).ConfigureAwait(false);
            if (sentinelCutover is not null)
            {
                _report.Begin("sentinel-discovery");
                await sentinelCutover.PrepareAsync(_abort.Token).ConfigureAwait(false);
            }
            // A Ctrl-C that raced with the last step still counts: the cutover has not started.
            _abort.Token.ThrowIfCancellationRequested();
            Phase = MigrationPhase.Cutover;
        }
        catch (Exception ex) when (ex is OperationCanceledException or MigrationRefusal or RedisLinkException)
        {
            _progress.EndLive();
            var undone = await UndoAsync(journal).ConfigureAwait(false);
            return ex is OperationCanceledException
                ? Fail("aborted", $"aborted before the cutover: the source is untouched, the targets are detached{undone}")
                : Fail("failed", $"{ex.Message}; the source is untouched, the targets are detached{undone}");
        }

        EnterPhase(MigrationPhase.Cutover, plan);
        _report.Begin("cutover");
        _report.LagBytesAtCutover = inSync.Max(s => s.LagBytes);
        _report.LagSecondsAtCutover = inSync.Max(s => s.LagSeconds);
        _progress.Line($"in sync: {string.Join(", ", inSync.Select(s => $"{s.Endpoint} lag {Units.Bytes(s.LagBytes)}"))}; cutting over");
        try
        {
            if (sentinelCutover is not null) await sentinelCutover.RunAsync().ConfigureAwait(false);
            else await new DirectCutover(plan, journal, _progress, _report).RunAsync().ConfigureAwait(false);
        }
        catch (CutoverFailed failed)
        {
            var undone = await UndoAsync(journal).ConfigureAwait(false);
            return Fail("rolled-back", $"cutover rolled back: {failed.Message}; the targets are detached{undone}");
        }
        catch (Exception ex) when (ex is MigrationRefusal or RedisLinkException)
        {
            return Fail("failed", $"during the cutover: {ex.Message}");
        }

        EnterPhase(MigrationPhase.Finishing, plan);
        _report.Begin("finish");
        _report.NewMaster = plan.First.Endpoint.ToString();
        try
        {
            await FinishAsync(plan, journal, sentinelCutover).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MigrationRefusal or RedisLinkException)
        {
            return Fail("failed", $"after the cutover ({plan.First.Endpoint} is the master): {ex.Message}");
        }
        return Done($"{plan.First.Endpoint} is the master" +
            (_report.NewMasterKeys is { } keys ? $" with {Units.N(keys)} keys" : ""));
    }

    /// <summary>
    /// The stream mode: migrate replicates the source into the target itself, then cuts over by fencing the
    /// source (and, with a sentinel group, moving every sentinel to the target). Before the cutover an abort (or a failure) stops the stream: the source was never changed; the
    /// target keeps what it received so far (a partial copy, replaced by the next attempt's FLUSHALL).
    /// </summary>
    private async Task<int> RunStreamAsync(MigrationPlan plan)
    {
        _report.Cutover = plan.Group is null ? "fence" : "sentinel-move";
        await using var stream = new StreamPhase(plan, _progress, _report);
        TargetStatus inSync;
        try
        {
            EnterPhase(MigrationPhase.Replicating, plan);
            _report.Begin("replicate");
            await stream.StartAsync(_abort.Token).ConfigureAwait(false);
            _report.Begin("sync");
            inSync = await stream.WaitInSyncAsync(_abort.Token).ConfigureAwait(false);
            if (plan.Options.StreamSeconds > 0)
            {
                inSync = await stream.HoldAsync(TimeSpan.FromSeconds(plan.Options.StreamSeconds), _abort.Token).ConfigureAwait(false);
            }
            _abort.Token.ThrowIfCancellationRequested();
            Phase = MigrationPhase.Cutover;
        }
        catch (Exception ex) when (ex is OperationCanceledException or MigrationRefusal or RedisLinkException)
        {
            _progress.EndLive();
            await stream.StopAsync(drain: false).ConfigureAwait(false);
            const string left = "the source is untouched and writable; the target holds a partial copy";
            return ex is OperationCanceledException
                ? Fail("aborted", $"aborted before the cutover: {left}")
                : Fail("failed", $"{ex.Message}; {left}");
        }

        EnterPhase(MigrationPhase.Cutover, plan);
        _report.Begin("cutover");
        _report.LagBytesAtCutover = inSync.LagBytes;
        _report.LagSecondsAtCutover = inSync.LagSeconds;
        _progress.Line($"in sync: {plan.First.Endpoint} lag {Units.Bytes(inSync.LagBytes)}; cutting over");
        try
        {
            await new StreamCutover(plan, stream, _progress, _report).RunAsync().ConfigureAwait(false);
            await stream.StopAsync(drain: true).ConfigureAwait(false);
        }
        catch (CutoverFailed failed)
        {
            await stream.StopAsync(drain: false).ConfigureAwait(false);
            return Fail("rolled-back", $"cutover rolled back: {failed.Message}; the source stays the writable master");
        }
        catch (Exception ex) when (ex is MigrationRefusal or RedisLinkException or TargetRefusedException)
        {
            return Fail("failed", $"during the cutover: {ex.Message}");
        }

        EnterPhase(MigrationPhase.Finishing, plan);
        _report.Begin("finish");
        _report.NewMaster = plan.First.Endpoint.ToString();
        var replicator = stream.Replicator!;
        _progress.Line($"stream: {Units.N(Interlocked.Read(ref replicator.SnapshotKeys))} keys from the snapshot through {replicator.SnapshotConnections} connection(s), {replicator.FullSyncs} full sync(s), {replicator.PartialResyncs} partial resync(s)");
        try
        {
            if (options.OldNodes == OldNodes.Shutdown)
            {
                // The sentinels moved to the target have forgotten these already (SENTINEL MOVE-MASTER).
                foreach (var node in plan.Source.Replicas.Concat(plan.Group?.Replicas ?? []).Prepend(plan.Source.Endpoint).Distinct())
                {
                    await ShutdownAsync(node, options.Credentials).ConfigureAwait(false);
                    _progress.Line($"old node {node}: shut down");
                }
            }
            await using var target = await RedisLink.ConnectAsync(plan.First.Endpoint, options.Credentials, CancellationToken.None).ConfigureAwait(false);
            _report.NewMasterKeys = (await ReplicationPhase.InfoAsync(target, CancellationToken.None, "keyspace").ConfigureAwait(false)).KeysPerDb().Values.Sum();
        }
        catch (Exception ex) when (ex is MigrationRefusal or RedisLinkException)
        {
            return Fail("failed", $"after the cutover ({plan.First.Endpoint} has the data): {ex.Message}");
        }
        return Done($"{plan.First.Endpoint} holds the data" +
            (_report.NewMasterKeys is { } keys ? $" ({Units.N(keys)} keys)" : "") +
            (options.OldNodes == OldNodes.Shutdown ? "" : $"; {plan.Source.Endpoint} refuses writes (fenced)"));
    }

    /// <summary>The run ended well: the report says so, and one line says where the data is now.</summary>
    private int Done(string where)
    {
        _report.End();
        _report.Result = "done";
        Phase = MigrationPhase.Done;
        output.WriteLine($"done: {where}" +
            (_report.WritePauseMs is { } pause ? $"; write pause {Units.Ms(pause)}" : "") +
            (_abortRequested ? " (the abort came too late)" : ""));
        return 0;
    }

    /// <summary>After the cutover: settings back, the old nodes as asked, every target attached to the new master.</summary>
    private async Task FinishAsync(MigrationPlan plan, MigrationJournal journal, SentinelCutover? sentinelCutover)
    {
        var cancel = CancellationToken.None;
        var credentials = options.Credentials;
        // Priorities were changed for the choice of the new master only.
        foreach (var node in plan.Targets.Select(t => t.Endpoint).Concat(plan.Group?.Replicas ?? []))
        {
            try { await journal.RestoreSettingsAsync(node, cancel).ConfigureAwait(false); }
            catch (RedisLinkException ex) { _progress.Line($"warning: {ex.Message}: replica-priority not restored"); }
        }
        var oldNodes = new List<RedisEndpoint> { plan.Source.Endpoint };
        foreach (var replica in plan.Source.Replicas.Concat(plan.Group?.Replicas ?? []))
        {
            if (!oldNodes.Contains(replica) && !plan.Targets.Any(t => t.Endpoint == replica)) oldNodes.Add(replica);
        }
        if (options.OldNodes == OldNodes.Shutdown)
        {
            foreach (var node in oldNodes)
            {
                await ShutdownAsync(node, credentials).ConfigureAwait(false);
                _progress.Line($"old node {node}: shut down");
            }
            if (sentinelCutover is not null)
            {
                await sentinelCutover.ForgetAsync(oldNodes).ConfigureAwait(false);
                _progress.Line($"sentinels: SENTINEL RESET {plan.Group!.MasterName} on every sentinel; none lists an old node");
            }
        }
        await using var master = await RedisLink.ConnectAsync(plan.First.Endpoint, credentials, cancel).ConfigureAwait(false);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var info = await ReplicationPhase.InfoAsync(master, cancel, "replication", "keyspace").ConfigureAwait(false);
            _report.NewMasterKeys = info.KeysPerDb().Values.Sum();
            var online = NodeFactsReader.ReplicasOf(info);
            var missing = new List<RedisEndpoint>();
            foreach (var target in plan.Targets.Skip(1).Select(t => t.Endpoint))
            {
                var found = false;
                foreach (var replica in online)
                {
                    found |= await PreflightRunner.SameAddressAsync(target, replica.Host, replica.Port, cancel).ConfigureAwait(false);
                }
                if (!found) missing.Add(target);
            }
            if (missing.Count == 0) break;
            if (DateTime.UtcNow > deadline)
            {
                _progress.Line($"warning: {string.Join(", ", missing)} not yet replicating {plan.First.Endpoint}");
                break;
            }
            await Task.Delay(100, cancel).ConfigureAwait(false);
        }
    }

    private static async Task ShutdownAsync(RedisEndpoint node, RedisCredentials? credentials)
    {
        try
        {
            await using var link = await RedisLink.ConnectAsync(node, credentials, CancellationToken.None).ConfigureAwait(false);
            // The data lives on the new master; a final save of a decommissioned node is only a delay.
            var reply = await link.CallAsync("SHUTDOWN", "NOSAVE").ConfigureAwait(false);
            if (reply is RespError error) throw new MigrationRefusal($"old node {node} refused SHUTDOWN: {error.Text}");
        }
        catch (RedisLinkException)
        {
            // SHUTDOWN closes the connection without a reply; a node already gone is as good.
        }
    }

    private async Task<string> UndoAsync(MigrationJournal journal)
    {
        Phase = MigrationPhase.Aborted;
        var problems = await journal.UndoAsync(CancellationToken.None).ConfigureAwait(false);
        return problems.Count == 0 ? "" : " except: " + string.Join("; ", problems);
    }

    private void EnterPhase(MigrationPhase phase, MigrationPlan plan)
    {
        Phase = phase;
        new MigrationStateFile(Environment.ProcessId, phase, plan.Source.Endpoint.ToString(), [.. plan.Targets.Select(t => t.Endpoint.ToString())])
            .Save(options.StateFile);
    }

    private int Fail(string result, string line)
    {
        _progress.EndLive();
        _report.Result = result;
        _report.Error = line;
        errors.WriteLine("vigil migrate: " + line);
        return 1;
    }

    internal static bool ProcessIsAlive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
