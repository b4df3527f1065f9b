using System.Globalization;
using Vigil.Resp;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.Events;

namespace Vigil.Sentinel.Scripts;

/// <summary>
/// The script queue (compatibility-rules §12): the core decides what runs when and what a result means; the host only starts and kills
/// processes (<see cref="RunScript"/>, <see cref="KillScript"/>) and reports their ends (<see cref="ScriptExited"/>).
/// </summary>
/// <remarks>
/// Jobs are kept oldest first. At most <see cref="Limits.MaxRunningScripts"/> run at once; above
/// <see cref="Limits.MaxQueuedScripts"/> jobs the oldest one not running is dropped. Exit 1 or death by a signal is
/// retried after the retry delay doubled per attempt, up to <see cref="Limits.MaxScriptAttempts"/> attempts; any
/// other failure is reported with <c>-script-error</c> and dropped. A run longer than the maximum runtime is
/// reported with <c>-script-timeout</c> and killed (then counts as a signal death).
/// </remarks>
internal sealed class ScriptQueue(CoreSettings settings, CoreClock clock, EffectQueue effects)
{
    private readonly List<ScriptJob> _jobs = [];
    private long _lastJobId;

    /// <summary>Set once the emitter exists (the emitter also feeds this queue).</summary>
    public EventEmitter? Events { get; set; }

    public int RunningCount => _jobs.Count(j => j.IsRunning);
    public int QueueLength => _jobs.Count;

    /// <summary>Queues <paramref name="path"/> with its arguments (cut to the reference's 16-slot argv).</summary>
    public void Schedule(string path, params string[] args)
    {
        var kept = args.Length > Limits.MaxScriptArgs - 1 ? args[..(Limits.MaxScriptArgs - 1)] : args;
        _jobs.Add(new ScriptJob(++_lastJobId, path, kept));
        if (_jobs.Count <= Limits.MaxQueuedScripts) return;
        int oldestIdle = _jobs.FindIndex(j => !j.IsRunning);
        if (oldestIdle >= 0) _jobs.RemoveAt(oldestIdle);
        Invariants.Check(_jobs.Count <= Limits.MaxQueuedScripts, $"the script queue grew to {_jobs.Count}");
    }

    /// <summary>Once per tick: start what is due, kill what overran.</summary>
    public void OnTick()
    {
        long now = clock.NowMs;
        int running = RunningCount;
        foreach (var job in _jobs)
        {
            if (running >= Limits.MaxRunningScripts) break;
            if (job.IsRunning || job.StartAtMs > now) continue;
            job.IsRunning = true;
            job.StartAtMs = now;
            job.Attempts++;
            job.Pid = 0;
            job.KillRequested = false;
            running++;
            effects.Emit(new RunScript(job.Id, job.Path, job.Args));
        }
        foreach (var job in _jobs)
        {
            if (!job.IsRunning || job.KillRequested || now - job.StartAtMs <= settings.Timings.ScriptMaxRuntimeMs) continue;
            job.KillRequested = true;
            Events?.Raw(LogLevel.Warning, "-script-timeout", null, $"{job.Path} {job.Pid.ToString(CultureInfo.InvariantCulture)}");
            effects.Emit(new KillScript(job.Id));
        }
    }

    public void OnStarted(ScriptStarted started)
    {
        var job = Find(started.JobId);
        if (job is null) return;
        job.Pid = started.Pid;
        Events?.Raw(LogLevel.Debug, "+script-child", null, started.Pid.ToString(CultureInfo.InvariantCulture));
    }

    public void OnExited(ScriptExited exited)
    {
        var job = Find(exited.JobId);
        if (job is null) return;
        Events?.Raw(LogLevel.Debug, "-script-child", null, Invariant($"{job.Pid} {exited.ExitCode} {exited.Signal}"));
        bool retry = (exited.Signal != 0 || exited.ExitCode == 1) && job.Attempts < Limits.MaxScriptAttempts;
        if (retry)
        {
            job.IsRunning = false;
            job.Pid = 0;
            job.StartAtMs = clock.NowMs + RetryDelayMs(job.Attempts);
            return;
        }
        if (exited.Signal != 0 || exited.ExitCode != 0)
        {
            Events?.Raw(LogLevel.Warning, "-script-error", null, Invariant($"{job.Path} {exited.Signal} {exited.ExitCode}"));
        }
        _jobs.Remove(job);
    }

    /// <summary>The retry delay doubles per attempt: 30 s, 60 s, 2 min, ... with the default.</summary>
    private long RetryDelayMs(int attempts)
    {
        long delay = settings.Timings.ScriptRetryDelayMs;
        for (int i = 1; i < attempts && delay < long.MaxValue / 2; i++) delay *= 2;
        return delay;
    }

    /// <summary>When <see cref="OnTick"/> will next have something to do.</summary>
    public long DueAt()
    {
        long due = long.MaxValue;
        bool canStart = RunningCount < Limits.MaxRunningScripts;
        foreach (var job in _jobs)
        {
            if (job.IsRunning)
            {
                if (!job.KillRequested) due = Math.Min(due, job.StartAtMs + settings.Timings.ScriptMaxRuntimeMs + 1);
            }
            else if (canStart)
            {
                due = Math.Min(due, job.StartAtMs);
            }
        }
        return due;
    }

    /// <summary>SENTINEL PENDING-SCRIPTS: one five-pair entry per job, numbers as bulk strings.</summary>
    public RespValue Describe()
    {
        long now = clock.NowMs;
        var entries = new List<RespValue>(_jobs.Count);
        foreach (var job in _jobs)
        {
            var argv = new List<RespValue>(job.Args.Count + 1) { RespValue.Bulk(job.Path) };
            foreach (string arg in job.Args) argv.Add(RespValue.Bulk(arg));
            var fields = new List<KeyValuePair<RespValue, RespValue>>(5)
            {
                new(RespValue.Bulk("argv"), new RespArray(argv)),
                new(RespValue.Bulk("flags"), RespValue.Bulk(job.IsRunning ? "running" : "scheduled")),
                new(RespValue.Bulk("pid"), Number(job.Pid)),
            };
            if (job.IsRunning) fields.Add(new(RespValue.Bulk("run-time"), Number(now - job.StartAtMs)));
            else fields.Add(new(RespValue.Bulk("run-delay"), Number(job.StartAtMs != 0 ? Math.Max(0, job.StartAtMs - now) : 0)));
            fields.Add(new(RespValue.Bulk("retry-num"), Number(job.Attempts)));
            entries.Add(new RespMap(fields));
        }
        return new RespArray(entries);
    }

    private ScriptJob? Find(long id) => _jobs.Find(j => j.Id == id && j.IsRunning);

    private static RespValue Number(long value) => RespValue.Bulk(value.ToString(CultureInfo.InvariantCulture));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
