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
        double large = VisitsPerInput(masters: 50);

        // A tick that visited every master would make the large fleet's figure about five times the small one's, and
        // a peer's link recomputing every master it watches on each PING and reply made it 1.2 times (7.05 against
        // 6.93 since its PINGs are scheduled per link).
        Assert.True(large < 1.15 * small, $"records visited per input: {small:0.00} with 10 masters, {large:0.00} with 50");
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
