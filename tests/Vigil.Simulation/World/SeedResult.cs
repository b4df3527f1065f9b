using Vigil.Simulation.Faults;
using Vigil.Simulation.Invariants;

namespace Vigil.Simulation.World;

/// <summary>The outcome of one seed: pass or the first broken invariant, and what the run did.</summary>
internal sealed record SeedResult
{
    public required int Seed { get; init; }
    public required string Scenario { get; init; }
    public string? Invariant { get; init; }
    public string? Detail { get; init; }
    public IReadOnlyList<string> TraceTail { get; init; } = [];
    public long SimulatedMs { get; init; }
    public long EventsRun { get; init; }
    public long? ConvergedAfterHealMs { get; init; }
    public long WritesAcked { get; init; }
    public long WritesLost { get; init; }
    public CheckerStats Stats { get; init; } = new();
    public IReadOnlyDictionary<FaultKind, int> Faults { get; init; } = new Dictionary<FaultKind, int>();
    public bool Passed => Invariant is null;
}
