namespace Vigil.Simulation.World;

/// <summary>
/// A fleet instead of a few groups: three sentinels watching <c>masters</c> masters with one replica each, reference
/// timings, random faults (ten a minute unless told) for the given number of simulated minutes. The seed still draws everything else (network,
/// drift, fault mix), so a scale seed replays like any other.
/// </summary>
internal static class ScaleScenario
{
    public const int DefaultFaultsPerMinute = 10;

    public static Scenario Of(Scenario generated, int masters, int chaosMinutes, int faultsPerMinute = DefaultFaultsPerMinute)
    {
        var names = new string[masters];
        for (int g = 0; g < masters; g++) names[g] = $"fleet-{g:D4}";
        return generated with
        {
            SentinelCount = 3,
            MasterNames = names,
            ReplicasPerGroup = Enumerable.Repeat(1, masters).ToArray(),
            Quorums = Enumerable.Repeat(2, masters).ToArray(),
            DownAfterMs = Enumerable.Range(0, masters).Select(g => generated.DownAfterChoicesMs[g % generated.DownAfterChoicesMs.Count]).ToArray(),
            FailoverTimeoutMs = Enumerable.Repeat(10000L, masters).ToArray(),
            ParallelSyncs = Enumerable.Repeat(1, masters).ToArray(),
            Priorities = Enumerable.Repeat<IReadOnlyList<int>>([100, 100], masters).ToArray(),
            MinReplicasToWrite = new int[masters],
            DriftPpm = generated.DriftPpm.Take(3).ToArray(),
            InfoPeriodMs = 10000,
            PingPeriodMs = 1000,
            PublishPeriodMs = 2000,
            TiltPeriodMs = 30000,
            // One writer per group: every 5 s keeps the write audit meaningful without the writers outweighing the fleet.
            WriteIntervalMs = 5000,
            ChaosMs = chaosMinutes * 60_000L,
            PlannedFailover = false,
            FaultsPerMinute = faultsPerMinute,
        };
    }
}
