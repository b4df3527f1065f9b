namespace Vigil.Simulation.Invariants;

/// <summary>
/// Core bugs the simulation found that are not fixed in this branch yet. Outside strict mode the checker lets
/// these (and only these) pass, counting them, so a campaign keeps looking for new problems; each has a skipped
/// regression test in <c>KnownCoreBugTests</c> that replays the seed in strict mode.
/// </summary>
internal static class KnownCoreBugs
{
    /// <summary>
    /// SENTINEL SET answers "ERR Invalid argument" to valid values, yet applies them: <c>SetOutcome.Ok</c> is
    /// <c>default(SetOutcome)</c>, whose <c>BadValueIndex</c> is 0 rather than -1 (seed 295).
    /// </summary>
    public const string SetRejectsValidValues = "operator-command-accepted";

    /// <summary>
    /// On the first acting tick after TILT (or a stall), ODOWN is computed before peers' answers older than five ask
    /// periods are expired (the expiry lives in the ask step, which runs after the ODOWN check and not at all in
    /// TILT), so answers from before the TILT make a quorum (seed 3952; §5.2 says answers ≤ 5000 ms old).
    /// </summary>
    public const string StaleDownAnswersCountAfterTilt = "odown-needs-quorum";

    /// <summary>
    /// Timestamps taken before a backward clock step lie in the core's future, so they look fresh until the clock
    /// catches up: a peer's "down" answer from before the step keeps counting for ODOWN long after five ask periods
    /// (seed 50140). Outside a monotonic clock's contract, but TILT exists for exactly such steps.
    /// </summary>
    public const string AnswersFromBeforeABackwardStepLookFresh = "odown-needs-quorum";
}
