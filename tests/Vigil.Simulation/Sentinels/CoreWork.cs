namespace Vigil.Simulation.Sentinels;

/// <summary>
/// The work of every real core in a world, counted by the cores themselves (records visited, see
/// <c>SentinelCore.RecordVisits</c>), against the calls the hosts made into them: work per input as operations,
/// not time, so a run shows whether it grows with the number of masters.
/// </summary>
internal sealed class CoreWork
{
    /// <summary>Inputs, commands and hellos handed to a core.</summary>
    public long Inputs { get; private set; }

    /// <summary>Records the cores visited while handling them and computing their wake times.</summary>
    public long RecordVisits { get; private set; }

    public double VisitsPerInput => Inputs == 0 ? 0 : (double)RecordVisits / Inputs;

    public void Add(long inputs, long visits)
    {
        Inputs += inputs;
        RecordVisits += visits;
    }
}
