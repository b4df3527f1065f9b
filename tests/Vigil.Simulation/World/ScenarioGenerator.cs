using Vigil.Simulation.Faults;
using Vigil.Simulation.Network;

namespace Vigil.Simulation.World;

/// <summary>Draws a <see cref="Scenario"/> from the world's random source: sizes, quorums, timings, fault mix.</summary>
internal static class ScenarioGenerator
{
    private static readonly string[] Names = ["mymaster", "orders", "sessions"];

    public static Scenario Generate(int seed, SimulationProfile profile, Random random, bool forceForgedHellos = false)
    {
        // Drawn apart from the world's random source: seeds without forged hellos run exactly as they did before the
        // fault kind existed, so recorded regression seeds keep replaying the same world.
        bool forgedOn = forceForgedHellos || new Random(unchecked(seed * 31 + 7)).Next(10) < 2;
        // Drawn apart likewise: hostnames in about one seed in four, kills between a save's request and its write in
        // about one in three.
        bool hostnamesOn = new Random(unchecked(seed * 37 + 11)).Next(4) == 0;
        bool killAtSaveOn = new Random(unchecked(seed * 41 + 13)).Next(3) == 0;
        bool ci = profile == SimulationProfile.Ci;
        int sentinels = Pick(random, (3, 55), (5, 35), (7, 10));
        int groups = Pick(random, (1, 65), (2, 27), (3, 8));
        var downAfterChoices = ci ? new long[] { 1000, 1500, 2000, 3000, 5000 } : [1000, 2000, 5000, 10000, 30000];
        var failoverTimeoutChoices = ci ? new long[] { 2000, 3000, 5000, 10000 } : [3000, 10000, 30000, 60000, 180000];

        var replicas = new int[groups];
        var quorums = new int[groups];
        var downAfter = new long[groups];
        var failoverTimeout = new long[groups];
        var parallelSyncs = new int[groups];
        var priorities = new IReadOnlyList<int>[groups];
        var minReplicas = new int[groups];
        for (int g = 0; g < groups; g++)
        {
            replicas[g] = Pick(random, (0, 5), (1, 35), (2, 45), (3, 15));
            int majority = sentinels / 2 + 1;
            quorums[g] = Pick(random, (majority, 60), (1, 10), (Math.Min(2, sentinels), 15), (sentinels, 15));
            downAfter[g] = downAfterChoices[random.Next(downAfterChoices.Length)];
            failoverTimeout[g] = failoverTimeoutChoices[random.Next(failoverTimeoutChoices.Length)];
            parallelSyncs[g] = 1 + random.Next(3);
            var groupPriorities = new int[replicas[g] + 1];
            for (int i = 0; i < groupPriorities.Length; i++) groupPriorities[i] = Pick(random, (100, 80), (0, 10), (1 + random.Next(50), 10));
            priorities[g] = groupPriorities;
            // min-replicas-to-write bounds losses only when the master needs every replica (an isolated master
            // with one replica on its side would keep accepting); "1" is exercised too but not bounded.
            minReplicas[g] = replicas[g] == 0 ? 0 : Pick(random, (0, 70), (replicas[g], 20), (1, 10));
        }

        var drift = new int[sentinels];
        for (int i = 0; i < sentinels; i++) drift[i] = random.Next(5) == 0 ? random.Next(-20000, 20001) : random.Next(-200, 201);

        bool planned = random.Next(10) == 0;
        bool quiet = !planned && random.Next(10) == 0;
        bool operatorOn = random.Next(10) < 3;
        bool foreignOn = random.Next(10) < 2;
        var weights = new Dictionary<FaultKind, int>
        {
            [FaultKind.ConnectionReset] = 12,
            [FaultKind.HostResetStorm] = 3,
            [FaultKind.IsolateHost] = 8,
            [FaultKind.SplitNetwork] = 6,
            [FaultKind.OneWayPartition] = 6,
            [FaultKind.SlowLinks] = 4,
            [FaultKind.RedisCrash] = 8,
            [FaultKind.RedisFreeze] = 6,
            [FaultKind.RedisBusyScript] = 3,
            [FaultKind.RedisSlowLoading] = 3,
            [FaultKind.SentinelCrash] = 6,
            [FaultKind.SentinelPause] = 4,
            [FaultKind.ClockJump] = 5,
            [FaultKind.ClockDrift] = 2,
            [FaultKind.OperatorFailover] = operatorOn ? 2 : 0,
            [FaultKind.OperatorReset] = operatorOn ? 2 : 0,
            [FaultKind.OperatorSet] = operatorOn ? 3 : 0,
            [FaultKind.OperatorRemoveMonitor] = operatorOn ? 2 : 0,
            [FaultKind.OperatorSimulateFailure] = operatorOn ? 1 : 0,
            [FaultKind.ForeignElection] = foreignOn ? 6 : 0,
            [FaultKind.ForgedHello] = forgedOn ? 6 : 0,
            [FaultKind.SentinelKillAtSave] = killAtSaveOn ? 4 : 0,
        };

        return new Scenario
        {
            Seed = seed,
            Profile = profile,
            SentinelCount = sentinels,
            MasterNames = Names[..groups],
            ReplicasPerGroup = replicas,
            Quorums = quorums,
            DownAfterMs = downAfter,
            FailoverTimeoutMs = failoverTimeout,
            ParallelSyncs = parallelSyncs,
            DownAfterChoicesMs = downAfterChoices,
            FailoverTimeoutChoicesMs = failoverTimeoutChoices,
            InfoPeriodMs = ci ? Pick(random, (1000L, 30), (2000L, 30), (5000L, 25), (10000L, 15)) : Pick(random, (2000L, 30), (10000L, 70)),
            PingPeriodMs = Pick(random, (1000L, 85), (500L, 15)),
            PublishPeriodMs = Pick(random, (2000L, 85), (1000L, 15)),
            TiltPeriodMs = ci ? Pick(random, (3000L, 30), (5000L, 40), (10000L, 25), (30000L, 5)) : Pick(random, (5000L, 30), (30000L, 70)),
            Network = Pick(random, (NetworkProfile.Lan, 60), (NetworkProfile.Datacenter, 30), (NetworkProfile.Wan, 10)),
            DriftPpm = drift,
            Priorities = priorities,
            MinReplicasToWrite = minReplicas,
            MinReplicasMaxLagSeconds = 2 + random.Next(9),
            ReplTimeoutMs = Pick(random, (3000L, 30), (10000L, 40), (60000L, 30)),
            WriteIntervalMs = 50 + random.Next(200),
            WarmupMs = 1000 + random.Next(5000),
            ChaosMs = ci ? 10000 + random.Next(35000) : 30000 + random.Next(270000),
            FaultsPerMinute = planned || quiet ? 0 : 4 + random.NextDouble() * (ci ? 36 : 60),
            FaultWeights = weights,
            PlannedFailover = planned,
            Hostnames = hostnamesOn,
        };
    }

    /// <summary>A weighted choice among (value, weight) pairs.</summary>
    public static T Pick<T>(Random random, params (T Value, int Weight)[] choices)
    {
        int total = choices.Sum(c => c.Weight);
        int roll = random.Next(total);
        foreach (var (value, weight) in choices)
        {
            if (roll < weight) return value;
            roll -= weight;
        }
        return choices[^1].Value;
    }
}
