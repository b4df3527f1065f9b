using Vigil.Simulation.Network;
using Vigil.Simulation.World;

namespace Vigil.Simulation.Tests;

/// <summary>Small fixed worlds for directed tests: one group, known timings, no random faults.</summary>
internal static class DirectedWorlds
{
    public static SimWorld ThreeSentinelsOneReplica(int seed = 1) => new(seed, new SimWorldOptions
    {
        AdjustScenario = s => s with
        {
            SentinelCount = 3,
            MasterNames = ["mymaster"],
            ReplicasPerGroup = [1],
            Quorums = [2],
            DownAfterMs = [2000],
            FailoverTimeoutMs = [10000],
            ParallelSyncs = [1],
            Priorities = [[100, 100]],
            MinReplicasToWrite = [0],
            InfoPeriodMs = 1000,
            PingPeriodMs = 1000,
            PublishPeriodMs = 2000,
            TiltPeriodMs = 5000,
            Network = NetworkProfile.Lan,
            DriftPpm = [0, 0, 0],
            FaultsPerMinute = 0,
            PlannedFailover = false,
        },
    });
}
