using Vigil.Simulation.Running;
using Vigil.Simulation.World;

namespace Vigil.Simulation.Tests;

/// <summary>
/// Seeds that exposed a bug in the core, kept as regression cases. Each is skipped while the fix is not in this
/// branch's core; remove the Skip when it is (the seed must then pass).
/// </summary>
public sealed class KnownCoreBugTests
{
    [Fact(Skip = "core bug: SENTINEL SET answers 'ERR Invalid argument' to every valid value (SetOutcome.Ok is default(SetOutcome), "
        + "whose BadValueIndex is 0, not -1); fixed on the core branch in 72a2ad7, not merged here yet")]
    public void Seed295_OperatorSetWithValidValuesIsAccepted()
    {
        var options = new CampaignOptions { StrictOperator = true };
        var result = new SimWorld(295, options.WorldOptions()).Run();

        Assert.True(result.Passed, $"[{result.Invariant}] {result.Detail}; replay: {options.ReplayCommand(295)}");
    }
}
