using System.Diagnostics;
using Vigil.Simulation.Running;
using Vigil.Simulation.World;

namespace Vigil.Simulation;

/// <summary>
/// Console mode. <c>dotnet run --project tests/Vigil.Simulation -c Release -- --seeds 1000000</c> runs a long
/// campaign with a progress line and a summary; <c>-- --seed N</c> replays one seed and prints its trace.
/// </summary>
internal static class Program
{
    /// <summary>
    /// Worlds allocate briskly and die young. A large gen0 budget turns most collections into nothing and makes a
    /// campaign about three times faster, but the runtime reads it only from the environment, so the program
    /// starts itself once more with it set (the test project gets it from simulation.runsettings).
    /// </summary>
    private const string Gen0SizeVariable = "DOTNET_GCgen0size";
    private const string Gen0Size = "0x8000000";

    public static int Main(string[] args)
    {
        if (Environment.GetEnvironmentVariable(Gen0SizeVariable) is null && RunAgainWithLargeGen0(args) is { } exitCode) return exitCode;
        var options = CampaignOptions.Parse(args);
        if (options.Help || options.Error is not null)
        {
            if (options.Error is not null) Console.Error.WriteLine(options.Error);
            Console.WriteLine(CampaignOptions.Usage);
            return options.Error is null ? 0 : 2;
        }
        return options.ReplaySeed is { } seed ? Replay(seed, options) : RunCampaign(options);
    }

    private static int? RunAgainWithLargeGen0(string[] args)
    {
        if (Environment.ProcessPath is not { } host) return null;
        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment[Gen0SizeVariable] = Gen0Size;
        using var child = Process.Start(start);
        if (child is null) return null;
        child.WaitForExit();
        return child.ExitCode;
    }

    private static int Replay(int seed, CampaignOptions options)
    {
        var world = new SimWorld(seed, options.WorldOptions(options.Quiet ? null : Console.WriteLine));
        Console.WriteLine($"replaying seed {seed}: {world.Scenario.Describe()}");
        var result = world.Run();
        if (result.Passed)
        {
            Console.WriteLine($"seed {seed} passed: {result.SimulatedMs} ms simulated, {result.EventsRun} events, converged {result.ConvergedAfterHealMs} ms after heal, "
                + $"{result.WritesAcked} writes acknowledged, {result.WritesLost} lost");
            PrintWork(world, result);
            return 0;
        }
        Console.WriteLine();
        Console.WriteLine(Campaign.Describe(result, options));
        PrintWork(world, result);
        return 1;
    }

    /// <summary>The counted work per input and what the checker saw: the figures a fleet run is for.</summary>
    private static void PrintWork(SimWorld world, SeedResult result)
    {
        var work = world.Work;
        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"work: {world.Scenario.GroupCount} masters, {work.Inputs} inputs, {work.RecordVisits} records visited, {work.VisitsPerInput:0.00} per input; TILT entered {result.Stats.Tilts} times, {result.Stats.SwitchMasters} +switch-master, {result.Stats.FailoversTried} failovers tried"));
    }

    private static int RunCampaign(CampaignOptions options)
    {
        bool interactive = !Console.IsOutputRedirected;
        Console.WriteLine($"running {options.SeedCount} seeds from {options.FirstSeed} ({options.Profile} profile, {options.Threads} threads"
            + (options.Broken is null ? ")" : $", broken core: {options.Broken})"));
        int failuresShown = 0;
        var summary = Campaign.Run(options, progress =>
        {
            // A long campaign names its failing seeds as they come, so they can be replayed while it runs on.
            for (; failuresShown < progress.Failures.Count; failuresShown++)
            {
                var failure = progress.Failures[failuresShown];
                Console.WriteLine($"{(interactive ? "\r" : "")}seed {failure.Seed} FAILED [{failure.Invariant}] {failure.Detail}");
            }
            string line = progress.ProgressLine(options.SeedCount);
            if (interactive) Console.Write("\r" + line + "   ");
            else Console.WriteLine(line);
        });
        if (interactive) Console.WriteLine();
        foreach (var failure in summary.Failures)
        {
            Console.WriteLine();
            Console.WriteLine(Campaign.Describe(failure, options with { }));
        }
        Console.WriteLine();
        Console.WriteLine(summary.Format());
        if (summary.Failures.Count > 0)
        {
            Console.WriteLine($"failing seeds: {string.Join(' ', summary.Failures.Select(f => f.Seed))}");
        }
        return summary.Failures.Count == 0 ? 0 : 1;
    }
}
