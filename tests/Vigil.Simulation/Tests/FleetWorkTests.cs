using Vigil.Simulation.World;
using Xunit.Abstractions;

namespace Vigil.Simulation.Tests;

/// <summary>
/// The core's work per input, counted (records visited by ticks and by due-time computation), must follow what an
/// input touched rather than the size of the fleet. Counted, not timed, so the figures are the same on any machine.
/// </summary>
public sealed class FleetWorkTests(ITestOutputHelper output)
{
    [Fact]
    public void WorkPerInputStaysFlatAsTheFleetGrows()
    {
        double small = VisitsPerInput(masters: 10);
        double medium = VisitsPerInput(masters: 50);
        double large = VisitsPerInput(masters: 100);

        // A tick that visited every master would make the larger fleets' figures about five and ten times the small
        // one's. A peer's link recomputing every master it watches on each PING and reply made 50 masters 1.2 times
        // 10; each answer of a peer being admitted touching every master that knows it, each reconnect to a cut-off
        // peer touching all its masters, and each short hold-up of a peer's PING touching them twice made 100 masters
        // 1.13 times (8.92 against 7.90). Then 6.80 and 6.86 against 6.59. Any change of timing makes a seed draw other
        // faults, and the faults' own work counts too: with a master's PING period following down-after, this seed's
        // minute at 100 masters draws a split network that cuts half the masters off (8.14 against 6.68), so the
        // larger fleet keeps a wider bound than the scheduling alone would need. Once a hello that only confirms a known
        // peer stopped rescheduling its master, every figure fell (5.55, 5.08 and 7.13), the smallest fleet's most:
        // its inputs are mostly such hellos, while half the 100 masters, cut off, send none and cost fault work
        // instead. So the ratio at 100 rose from 1.22 to 1.28 while the work itself fell by an eighth.
        Assert.True(medium < 1.10 * small, $"records visited per input: {small:0.00} with 10 masters, {medium:0.00} with 50");
        Assert.True(large < 1.30 * small, $"records visited per input: {small:0.00} with 10 masters, {large:0.00} with 100");
    }

    private double VisitsPerInput(int masters)
    {
        var world = new SimWorld(1, new SimWorldOptions { AdjustScenario = scenario => ScaleScenario.Of(scenario, masters, chaosMinutes: 1) });
        var result = world.Run();
        Assert.True(result.Passed, $"{masters} masters: [{result.Invariant}] {result.Detail}");
        Assert.True(world.CheckSkippedVisits, "the fleet runs with the proof that skipped masters had nothing to do");
        output.WriteLine($"{masters} masters: {world.Work.Inputs} inputs, {world.Work.RecordVisits} records visited, {world.Work.VisitsPerInput:0.00} per input");
        return world.Work.VisitsPerInput;
    }
}
