using System.Diagnostics;
using Vigil.Sentinel.Config;
using Vigil.Server.Logging;

namespace Vigil.Server.Memory;

/// <summary>
/// Looks at the heap every <see cref="Interval"/> and, when <see cref="HeapTrimPolicy"/> says so, runs one full,
/// compacting collection that also returns the freed memory to the system. That collection stops every thread for
/// tens of milliseconds at 1,000 masters (well under any down-after or the two seconds that mean TILT), and only after
/// the old generations grew by megabytes.
/// </summary>
public sealed class HeapTrimmer(HeapTrimPolicy policy)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    /// <summary>What one trim did: the old generations' bytes before and after, and how long it took.</summary>
    public readonly record struct Trim(long BeforeBytes, long AfterBytes, TimeSpan Took);

    /// <summary>Trims if due; null when it was not.</summary>
    public Trim? TrimIfDue()
    {
        var before = OldGenerationBytes();
        if (!policy.IsDue(before)) return null;
        var started = Stopwatch.GetTimestamp();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var after = OldGenerationBytes();
        policy.Trimmed(after);
        return new Trim(before, after, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Runs until stopped, logging each trim at verbose level.</summary>
    public async Task RunAsync(SentinelLog log, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                if (TrimIfDue() is not { } trim) continue;
                log.Write(LogLevel.Verbose,
                    $"Heap trimmed: the old generations held {trim.BeforeBytes >> 20} MB, now {trim.AfterBytes >> 20} MB ({trim.Took.TotalMilliseconds:F0} ms)");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Generation 2, the large and the pinned object heaps after the latest collection.</summary>
    private static long OldGenerationBytes()
    {
        var generations = GC.GetGCMemoryInfo().GenerationInfo;
        long bytes = 0;
        for (var g = 2; g < generations.Length; g++) bytes += generations[g].SizeAfterBytes;
        return bytes;
    }
}
