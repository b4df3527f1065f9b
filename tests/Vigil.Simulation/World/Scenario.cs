using Vigil.Simulation.Faults;
using Vigil.Simulation.Network;

namespace Vigil.Simulation.World;

/// <summary>Everything one seed decides about the world before it starts: sizes, settings, timings, fault mix.</summary>
internal sealed record Scenario
{
    public required int Seed { get; init; }
    public required SimulationProfile Profile { get; init; }
    public required int SentinelCount { get; init; }
    public required IReadOnlyList<string> MasterNames { get; init; }
    public required IReadOnlyList<int> ReplicasPerGroup { get; init; }
    public required IReadOnlyList<int> Quorums { get; init; }
    public required IReadOnlyList<long> DownAfterMs { get; init; }
    public required IReadOnlyList<long> FailoverTimeoutMs { get; init; }
    public required IReadOnlyList<int> ParallelSyncs { get; init; }

    /// <summary>Values the operator may SET (kept within what the settle bound allows).</summary>
    public required IReadOnlyList<long> DownAfterChoicesMs { get; init; }
    public required IReadOnlyList<long> FailoverTimeoutChoicesMs { get; init; }

    /// <summary>SENTINEL DEBUG timings applied to every sentinel at start.</summary>
    public required long InfoPeriodMs { get; init; }
    public required long PingPeriodMs { get; init; }
    public required long PublishPeriodMs { get; init; }
    public required long TiltPeriodMs { get; init; }

    public required NetworkProfile Network { get; init; }
    public required IReadOnlyList<int> DriftPpm { get; init; }

    /// <summary>replica-priority of every node, per group (the initial master's included).</summary>
    public required IReadOnlyList<IReadOnlyList<int>> Priorities { get; init; }
    public required IReadOnlyList<int> MinReplicasToWrite { get; init; }
    public required int MinReplicasMaxLagSeconds { get; init; }
    public required long ReplTimeoutMs { get; init; }
    public required long WriteIntervalMs { get; init; }

    public required long WarmupMs { get; init; }
    public required long ChaosMs { get; init; }
    public required double FaultsPerMinute { get; init; }
    public required IReadOnlyDictionary<FaultKind, int> FaultWeights { get; init; }

    /// <summary>No faults at all; the operator asks for one SENTINEL FAILOVER mid-run (no write may be lost).</summary>
    public required bool PlannedFailover { get; init; }

    /// <summary>Sentinels run with <c>resolve-hostnames yes</c> and know each group's first master by name (see <see cref="NameService"/>).</summary>
    public bool Hostnames { get; init; }

    public int GroupCount => MasterNames.Count;

    public IReadOnlyList<string> DebugArgs =>
    [
        "info-period", InfoPeriodMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "ping-period", PingPeriodMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "publish-period", PublishPeriodMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "tilt-period", TiltPeriodMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
    ];

    public string Describe() =>
        $"sentinels={SentinelCount} groups={GroupCount} replicas=[{string.Join(',', ReplicasPerGroup)}] quorum=[{string.Join(',', Quorums)}] "
        + $"down-after=[{string.Join(',', DownAfterMs)}] failover-timeout=[{string.Join(',', FailoverTimeoutMs)}] "
        + $"info={InfoPeriodMs} ping={PingPeriodMs} tilt={TiltPeriodMs} net={Network.Name} "
        + $"min-replicas=[{string.Join(',', MinReplicasToWrite)}] warmup={WarmupMs} chaos={ChaosMs} faults/min={FaultsPerMinute:0.#}"
        + (PlannedFailover ? " planned-failover" : "") + (Hostnames ? " hostnames" : "");
}
