using System.Diagnostics.CodeAnalysis;
using Vigil.Sentinel;
using Vigil.Sentinel.State;

namespace Vigil.Simulation.Sentinels;

/// <summary>The real core, unchanged, behind the seam; its work is added to <paramref name="work"/> when given.</summary>
internal sealed class RealSentinel(SentinelCore core, CoreWork? work = null) : ISentinelProcess
{
    private long _visitsCounted;

    public string MyId => core.MyId;

    public long NextWakeMs
    {
        get
        {
            long wake = core.NextWakeMs;
            Count(0);
            return wake;
        }
    }

    public SentinelState State => core.State;

    public void Handle(Input input)
    {
        core.Handle(input);
        Count(1);
    }

    public bool TryDequeueEffect([NotNullWhen(true)] out Effect? effect) => core.TryDequeueEffect(out effect);

    private void Count(long inputs)
    {
        if (work is null) return;
        long visits = core.RecordVisits;
        work.Add(inputs, visits - _visitsCounted);
        _visitsCounted = visits;
    }
}
