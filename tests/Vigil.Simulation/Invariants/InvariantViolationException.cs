namespace Vigil.Simulation.Invariants;

/// <summary>An invariant failed. Thrown at the step that broke it, so the trace ends right there.</summary>
internal sealed class InvariantViolationException(string invariant, string detail)
    : Exception($"[{invariant}] {detail}")
{
    /// <summary>Short stable name of the rule (e.g. <c>one-vote-per-epoch</c>); tests match on it.</summary>
    public string Invariant { get; } = invariant;
    public string Detail { get; } = detail;
}
