using Vigil.Sentinel;
using Vigil.Sentinel.State;

namespace Vigil.Simulation.Sentinels;

/// <summary>
/// The seam between the simulated host and a sentinel: exactly the calls the real host makes on
/// <see cref="SentinelCore"/>. The world talks only to this, so a test double can sit in front of a real core and
/// misbehave on purpose (to prove the invariant checker notices).
/// </summary>
internal interface ISentinelProcess : ISentinelCore
{
    string MyId { get; }
    long NextWakeMs { get; }
    SentinelState State { get; }
}
