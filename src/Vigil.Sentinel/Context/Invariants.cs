using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

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

    /// <summary>A rule whose text names what broke it: the text is only made when the rule is broken.</summary>
    public static void Check([DoesNotReturnIf(false)] bool holds, [InterpolatedStringHandlerArgument(nameof(holds))] ref BrokenRule rule)
    {
        if (!holds) throw new InvariantViolation(rule.ToStringAndClear());
    }
}

/// <summary>
/// The text of <see cref="Invariants.Check(bool, ref BrokenRule)"/>, formatted only when the rule does not hold: some
/// checks sit on paths a large fleet runs thousands of times a second.
/// </summary>
[InterpolatedStringHandler]
internal ref struct BrokenRule
{
    private DefaultInterpolatedStringHandler _text;

    public BrokenRule(int literalLength, int formattedCount, bool holds, out bool broken)
    {
        broken = !holds;
        _text = broken ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
    }

    public void AppendLiteral(string value) => _text.AppendLiteral(value);

    public void AppendFormatted<T>(T value) => _text.AppendFormatted(value);

    public void AppendFormatted<T>(T value, string? format) => _text.AppendFormatted(value, format);

    public string ToStringAndClear() => _text.ToStringAndClear();
}

/// <summary>A rule of the core did not hold: a bug in the core, never a bad input.</summary>
public sealed class InvariantViolation(string rule) : Exception($"core invariant broken: {rule}");
