using Vigil.Sentinel;
using Vigil.Simulation.Sentinels;

namespace Vigil.Simulation.World;

/// <summary>How to build a world besides its seed: profile, trace size, and an optional wrapper around cores.</summary>
internal sealed record SimWorldOptions
{
    public SimulationProfile Profile { get; init; } = SimulationProfile.Ci;
    public int TraceCapacity { get; init; } = 256;

    /// <summary>Every trace line as it is written (replay mode).</summary>
    public Action<string>? LiveTrace { get; init; }

    /// <summary>Wraps sentinel number i's core (test doubles); null = the real core everywhere.</summary>
    public Func<int, SentinelCore, ISentinelProcess>? Wrap { get; init; }

    /// <summary>Name of the wrapper, printed in replay commands (e.g. <c>equivocate</c>).</summary>
    public string? BrokenMode { get; init; }

    /// <summary>Adjusts the generated scenario (tests that need a known topology).</summary>
    public Func<Scenario, Scenario>? AdjustScenario { get; init; }

    /// <summary>Forged hellos in every seed (otherwise in about one seed in five, see <c>ScenarioGenerator</c>).</summary>
    public bool ForgedHellos { get; init; }
}
