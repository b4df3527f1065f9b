using Vigil.Sentinel;
using Vigil.Simulation.Sentinels;

namespace Vigil.Simulation.Running;

/// <summary>The deliberately broken doubles the checker is tested against, by name.</summary>
internal static class BrokenCores
{
    public static IReadOnlyList<string> Modes { get; } = ["equivocate", "hide-tilt", "deaf"];

    public static bool Known(string? mode) => mode is not null && Modes.Contains(mode);

    /// <summary>Null for the real core everywhere; else a wrapper that breaks sentinel 0 only.</summary>
    public static Func<int, SentinelCore, ISentinelProcess>? Wrapper(string? mode) => mode switch
    {
        "equivocate" => (index, core) => index == 0 ? new EquivocatingSentinel(new RealSentinel(core)) : new RealSentinel(core),
        "hide-tilt" => (index, core) => index == 0 ? new TiltHidingSentinel(new RealSentinel(core)) : new RealSentinel(core),
        "deaf" => (index, core) => index == 0 ? new DeafSentinel(new RealSentinel(core)) : new RealSentinel(core),
        _ => null,
    };
}
