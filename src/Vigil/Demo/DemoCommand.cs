using System.Runtime.InteropServices;

namespace Vigil.Demo;

/// <summary>
/// <c>vigil demo</c>: checks the prerequisites, runs the demo in a temp dir, prints the summary (or the
/// JSON figures), and always stops every process it started: on success, on an error, on Ctrl-C or SIGTERM.
/// </summary>
public static class DemoCommand
{
    public const string InstallHint = "vigil demo needs redis-server on the PATH; install it with: sudo apt-get install -y redis-server";

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        if (args.Count == 1 && args[0] is "--help" or "-h")
        {
            Console.WriteLine(DemoOptions.Usage);
            return 0;
        }
        var options = DemoOptions.Parse(args, out var error);
        if (options is null)
        {
            Console.Error.WriteLine($"vigil demo: {error}");
            Console.Error.WriteLine(DemoOptions.Usage);
            return 1;
        }
        if (ExecutableSearch.Find("redis-server") is not { } redisServer)
        {
            Console.Error.WriteLine(InstallHint);
            return 1;
        }

        using var interrupted = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            interrupted.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);

        var console = new DemoConsole(options.Json);
        var root = Directory.CreateTempSubdirectory("vigil-demo-").FullName;
        console.Line($"vigil demo: {Describe(options)}, in {root}");
        var children = new ChildProcesses();
        try
        {
            var figures = await new DemoRun(options, console, children, root, redisServer).RunAsync(interrupted.Token).ConfigureAwait(false);
            if (!options.KeepOpen) children.Dispose();
            if (options.Json) DemoJson.Write(Console.OpenStandardOutput(), figures, options.KeepDir ? root : null);
            foreach (var line in DemoSummary.Lines(figures)) console.Line(line);
            if (options.KeepOpen)
            {
                console.Line("--keep-open: every process keeps running; Ctrl-C stops them");
                try { await Task.Delay(Timeout.Infinite, interrupted.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { }
            }
            return figures.Converged ? 0 : 1;
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            console.EndProgress();
            console.Line("interrupted: stopping every process the demo started");
            return 130;
        }
        catch (Exception ex)
        {
            console.EndProgress();
            console.Line($"vigil demo failed: {ex.Message}");
            return 1;
        }
        finally
        {
            children.Dispose();
            if (options.KeepDir) console.Line($"kept {root} (configs and logs of every process)");
            else DeleteQuietly(root);
        }
    }

    private static string Describe(DemoOptions options) => options.Fault switch
    {
        FaultKind.Sleep => $"the master sleeps {options.SleepSeconds} s (DEBUG SLEEP)",
        FaultKind.Kill => "the master is killed (kill -9), then restarted",
        _ => "planned switchover (SENTINEL FAILOVER)",
    };

    private static void DeleteQuietly(string dir)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
