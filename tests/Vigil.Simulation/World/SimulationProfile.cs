namespace Vigil.Simulation.World;

/// <summary>How long and how wild the generated runs are.</summary>
internal enum SimulationProfile
{
    /// <summary>Short runs with accelerated sentinel timings: thousands fit in a CI minute.</summary>
    Ci,
    /// <summary>Longer chaos, reference timings more often: for console campaigns.</summary>
    Long,
}
