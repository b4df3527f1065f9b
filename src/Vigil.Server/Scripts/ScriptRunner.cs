using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using Vigil.Sentinel;
using Vigil.Server.Loop;

namespace Vigil.Server.Scripts;

/// <summary>
/// Runs the scripts the core schedules (<see cref="RunScript"/>): the path itself, no shell, this process's
/// environment unchanged and its standard streams inherited, as the reference's fork + execve does. Reports
/// <see cref="ScriptStarted"/> and <see cref="ScriptExited"/> back to the loop; the core decides about retries and
/// timeouts.
/// </summary>
public sealed class ScriptRunner
{
    /// <summary>.NET reports a child killed by signal N as exit code 128 + N on Unix (as shells do).</summary>
    private const int SignalExitBase = 128;

    private readonly ConcurrentDictionary<long, Process> _running = new();

    public void Run(RunScript run, EventLoop? loop)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (loop is null) return;
        var start = new ProcessStartInfo(run.Path) { UseShellExecute = false };
        foreach (string arg in run.Args) start.ArgumentList.Add(arg);
        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            process = null;
        }
        if (process is null)
        {
            // What the reference's child does when execve fails: exit 2, no retry.
            loop.Post(new ScriptExited(loop.NowMs, run.JobId, 2, 0));
            return;
        }
        _running[run.JobId] = process;
        int pid = process.Id;
        loop.Post(new ScriptStarted(loop.NowMs, run.JobId, pid));
        _ = WaitForExitAsync(run.JobId, process, loop);
    }

    public void Kill(KillScript kill)
    {
        ArgumentNullException.ThrowIfNull(kill);
        if (!_running.TryGetValue(kill.JobId, out var process)) return;
        try
        {
            process.Kill(entireProcessTree: false); // SIGKILL on Unix
        }
        catch (InvalidOperationException)
        {
            // Already gone; its exit is reported by WaitForExitAsync.
        }
    }

    private async Task WaitForExitAsync(long jobId, Process process, EventLoop loop)
    {
        await process.WaitForExitAsync().ConfigureAwait(false);
        int exitCode = process.ExitCode;
        int signal = 0;
        if (!OperatingSystem.IsWindows() && exitCode > SignalExitBase && exitCode <= SignalExitBase + 64)
        {
            signal = exitCode - SignalExitBase;
            exitCode = 0;
        }
        _running.TryRemove(jobId, out _);
        process.Dispose();
        loop.Post(new ScriptExited(loop.NowMs, jobId, exitCode, signal));
    }
}
