using System.Diagnostics.CodeAnalysis;

namespace Vigil.Sentinel;

/// <summary>
/// The core's own rules, checked where they are kept (an epoch never goes back, one vote per epoch, only legal
/// failover transitions, a reply matches a request in flight, bounded queues). Always on: each check is a comparison,
/// and a broken rule stops the run at the line that broke it (in the tests and the simulator, whose builds are
/// Release like production) instead of showing up steps later as a wrong outcome.
/// </summary>
internal static class Invariants
{
    public static void Check([DoesNotReturnIf(false)] bool holds, string rule)
    {
        if (!holds) throw new InvariantViolation(rule);
    }
}

/// <summary>A rule of the core did not hold: a bug in the core, never a bad input.</summary>
public sealed class InvariantViolation(string rule) : Exception($"core invariant broken: {rule}");
