using Vigil.Sentinel.Failover;

namespace Vigil.Sentinel.Tests;

/// <summary>The core's rules stop the run at the line that would break them.</summary>
public sealed class InvariantTests
{
    [Fact]
    public void ARulesTextIsMadeOnlyWhenTheRuleIsBroken()
    {
        var counted = new CountsFormatting();
        Invariants.Check(true, $"held for {counted}");
        Assert.Equal(0, counted.Times);

        var broken = Assert.Throws<InvariantViolation>(() => Invariants.Check(false, $"broken for {counted} at {42:D4}"));
        Assert.Equal("core invariant broken: broken for counted at 0042", broken.Message);
        Assert.Equal(1, counted.Times);
    }

    private sealed class CountsFormatting
    {
        public int Times { get; private set; }

        public override string ToString()
        {
            Times++;
            return "counted";
        }
    }

    [Fact]
    public void TheCurrentEpochNeverGoesBack()
    {
        var epochs = new Epochs(new CoreClock(0)) { Current = 5 };

        Assert.Throws<InvariantViolation>(() => epochs.Current = 4);
        Assert.Equal(5, epochs.Current);
    }

    [Fact]
    public void AFailoverMovesForwardOneStateAtATime()
    {
        var run = new FailoverRun(epoch: 1, forced: false, startedAtMs: 0);
        run.MoveTo(FailoverState.SelectSlave, 10);

        Assert.Throws<InvariantViolation>(() => run.MoveTo(FailoverState.WaitPromotion, 20));
        Assert.Throws<InvariantViolation>(() => run.MoveTo(FailoverState.WaitStart, 20));
        Assert.Equal(FailoverState.SelectSlave, run.State);
    }

    [Fact]
    public void NoPromotionStateWithoutAPromotedReplica()
    {
        var run = new FailoverRun(epoch: 1, forced: true, startedAtMs: 0);
        run.MoveTo(FailoverState.SelectSlave, 10);

        Assert.Throws<InvariantViolation>(() => run.MoveTo(FailoverState.SendSlaveofNoone, 20));
    }

    [Fact]
    public void TheCoreClockAbsorbsABackwardStepOfTheHostClock()
    {
        var clock = new CoreClock(1000);
        clock.AdvanceClock(5000);
        clock.AdvanceClock(2000);

        Assert.Equal(5000, clock.NowMs);
        Assert.Equal(3000, clock.ClockOffsetMs);
        Assert.Equal(2000, clock.ToHostMs(clock.NowMs));
    }
}
