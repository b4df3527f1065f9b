using Vigil.Sentinel.Failover;

namespace Vigil.Sentinel.Tests;

/// <summary>The core's rules stop the run at the line that would break them.</summary>
public sealed class InvariantTests
{
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
