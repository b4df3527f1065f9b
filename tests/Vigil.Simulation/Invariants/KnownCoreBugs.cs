namespace Vigil.Simulation.Invariants;

/// <summary>
/// Core bugs the simulation found that are not fixed yet. Outside strict mode the checker may let these (and only
/// these) pass, counting them in <see cref="CheckerStats.ToleratedKnownBugs"/>, so a campaign keeps looking for new
/// problems; each gets a skipped directed regression in <c>KnownCoreBugTests</c>, un-skipped with its fix.
/// </summary>
/// <remarks>
/// None is open. Fixed so far (their regressions run in <c>KnownCoreBugTests</c> and <c>RegressionSeedTests</c>):
/// SENTINEL SET answering an error to valid values (seed 295); peers' down answers older than five ask periods
/// counted for ODOWN on the first tick after TILT (seed 3952); timestamps from before a backward clock step lying
/// in the core's future (seed 50140).
/// </remarks>
internal static class KnownCoreBugs;
