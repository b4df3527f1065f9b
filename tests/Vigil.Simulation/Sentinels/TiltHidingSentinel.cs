using System.Diagnostics.CodeAnalysis;
using Vigil.Sentinel;
using Vigil.Sentinel.State;

namespace Vigil.Simulation.Sentinels;

/// <summary>
/// A deliberately broken sentinel for testing the checker: a real core whose <c>+tilt</c> events are swallowed,
/// as if it never noticed a clock step or a stall.
/// </summary>
internal sealed class TiltHidingSentinel(ISentinelProcess inner) : ISentinelProcess
{
    public string MyId => inner.MyId;
    public long NextWakeMs => inner.NextWakeMs;
    public SentinelState State => inner.State;
    public void Handle(Input input) => inner.Handle(input);

    public bool TryDequeueEffect([NotNullWhen(true)] out Effect? effect)
    {
        while (inner.TryDequeueEffect(out effect))
        {
            if (effect is PublishEvent { Channel: "+tilt" }) continue;
            return true;
        }
        return false;
    }
}
