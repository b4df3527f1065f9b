using System.Diagnostics;
using System.Runtime.InteropServices;
using Vigil.Migration.Links;
using Vigil.Migration.Reporting;
using Vigil.Migration.Verification;

namespace Vigil.Migration;

/// <summary>The <c>vigil migrate</c> verbs: migrate, <c>verify</c>, <c>abort</c>.</summary>
public static class MigrateCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0 && args[0] is "--help" or "-h" or "help")
        {
            Console.WriteLine(MigrateOptions.Usage);
            return 0;
        }
        var live = !Console.IsOutputRedirected;
        if (args.Length > 0 && args[0] == "verify")
        {
            var verifyOptions = VerifyOptions.Parse(args[1..], out var verifyError);
            if (verifyOptions is null) return Usage(verifyError!);
            using var stop = new CancellationTokenSource();
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
            try
            {
                return await new Verifier(verifyOptions, Console.Out, Console.Error, live).RunAsync(stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("vigil migrate verify: interrupted");
                return 1;
            }
        }
        if (args.Length > 0 && args[0] == "abort") return await AbortAsync(args[1..]).ConfigureAwait(false);

        var options = MigrateOptions.Parse(args, out var error);
        if (options is null) return Usage(error!);
        Func<bool>? confirm = Console.IsInputRedirected ? null : () =>
        {
            Console.Write("Proceed? [y/N] ");
            return Console.ReadLine()?.Trim().ToLowerInvariant() is "y" or "yes";
        };
        var run = new MigrationRun(options, Console.Out, Console.Error, live, confirm);
        void Abort(PosixSignalContext context)
        {
            context.Cancel = true;
            run.RequestAbort();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Abort);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Abort);
        return await run.RunAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// <c>vigil migrate abort</c>: asks the running migration (found through its state file) to abort, with
    /// SIGTERM, and waits for it to end. If it died before the cutover without cleaning up, detaches the
    /// targets itself.
    /// </summary>
    private static async Task<int> AbortAsync(string[] args)
    {
        var stateFile = MigrateOptions.DefaultStateFile;
        var common = new CommonOptions();
        for (var i = 0; i < args.Length; i++)
        {
            if (common.TryTake(args, ref i, out var takeError))
            {
                if (takeError is not null) return Usage(takeError);
                continue;
            }
            if (args[i] == "--state-file" && i + 1 < args.Length) stateFile = args[++i];
            else return Usage($"unknown option '{args[i]}' (vigil migrate --help)");
        }
        if (!common.TryCredentials(out var credentials, out var error)) return Usage(error!);
        var state = MigrationStateFile.Load(stateFile);
        if (state is null)
        {
            Console.Error.WriteLine($"vigil migrate abort: no migration is running ({stateFile} not found)");
            return 1;
        }
        if (MigrationRun.ProcessIsAlive(state.Pid))
        {
            if (state.Phase is not (MigrationPhase.Preflight or MigrationPhase.Replicating))
            {
                Console.Error.WriteLine($"vigil migrate abort: the migration (pid {state.Pid}) is in its {state.Phase.ToString().ToLowerInvariant()} phase: too late to abort, it finishes by itself");
                return 1;
            }
            using (var kill = Process.Start("kill", ["-TERM", state.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                if (kill is not null) await kill.WaitForExitAsync().ConfigureAwait(false);
            }
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (MigrationRun.ProcessIsAlive(state.Pid) && DateTime.UtcNow < deadline) await Task.Delay(100).ConfigureAwait(false);
            Console.WriteLine($"abort: migration {state.Pid} stopped; it detached the targets ({string.Join(", ", state.Targets)})");
            return 0;
        }
        if (state.Phase != MigrationPhase.Replicating)
        {
            Console.Error.WriteLine($"vigil migrate abort: migration {state.Pid} is gone and was in its {state.Phase.ToString().ToLowerInvariant()} phase: check the servers by hand");
            return 1;
        }
        var journal = new MigrationJournal(credentials);
        foreach (var target in state.TargetEndpoints) journal.Attach(target, "REPLICAOF");
        var problems = await journal.UndoAsync(CancellationToken.None).ConfigureAwait(false);
        MigrationStateFile.Delete(stateFile);
        if (problems.Count > 0)
        {
            Console.Error.WriteLine("vigil migrate abort: " + string.Join("; ", problems));
            return 1;
        }
        Console.WriteLine($"abort: migration {state.Pid} was gone; targets detached ({string.Join(", ", state.Targets)})");
        return 0;
    }

    private static int Usage(string error)
    {
        Console.Error.WriteLine("vigil migrate: " + error);
        return 1;
    }
}
