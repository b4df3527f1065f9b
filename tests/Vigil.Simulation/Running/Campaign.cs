using System.Diagnostics;
using Vigil.Simulation.World;

namespace Vigil.Simulation.Running;

/// <summary>Runs seeds in parallel (each world is independent and single-threaded) and sums them up.</summary>
internal static class Campaign
{
    /// <summary>Runs seeds [first, first + count) and returns the summary; <paramref name="progress"/> is called now and then.</summary>
    public static CampaignSummary Run(CampaignOptions options, Action<CampaignSummary>? progress = null)
    {
        var summary = new CampaignSummary();
        var gate = new object();
        var clock = Stopwatch.StartNew();
        long next = options.FirstSeed - 1L;
        long last = options.FirstSeed + (long)options.SeedCount - 1;
        bool stop = false;
        long lastProgressMs = 0;

        void Worker()
        {
            while (true)
            {
                long seed = Interlocked.Increment(ref next);
                if (seed > last || Volatile.Read(ref stop)) return;
                var result = new SimWorld((int)seed, options.WorldOptions()).Run();
                lock (gate)
                {
                    summary.Add(result);
                    summary.WallSeconds = clock.Elapsed.TotalSeconds;
                    if (summary.Failures.Count >= options.MaxFailures) stop = true;
                    if (progress is not null && clock.ElapsedMilliseconds - lastProgressMs >= 2000)
                    {
                        lastProgressMs = clock.ElapsedMilliseconds;
                        progress(summary);
                    }
                }
            }
        }

        var threads = Enumerable.Range(0, Math.Max(1, options.Threads)).Select(_ => new Thread(Worker, 16 * 1024 * 1024)).ToList();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();
        summary.WallSeconds = clock.Elapsed.TotalSeconds;
        summary.Failures.Sort((a, b) => a.Seed.CompareTo(b.Seed));
        return summary;
    }

    /// <summary>The failure report of one seed: what broke, the replay command, the trace leading to it.</summary>
    public static string Describe(SeedResult failure, CampaignOptions options)
    {
        var lines = new List<string>
        {
            $"seed {failure.Seed} FAILED [{failure.Invariant}] {failure.Detail}",
            $"  scenario: {failure.Scenario}",
            $"  replay:   {options.ReplayCommand(failure.Seed)}",
            $"  last {failure.TraceTail.Count} trace lines:",
        };
        lines.AddRange(failure.TraceTail.Select(l => "    " + l));
        return string.Join(Environment.NewLine, lines);
    }
}
