using Vigil.Http;

namespace Vigil.Http.Tests;

public sealed class FailoverTrackerTests
{
    private readonly List<(string Phase, double Seconds)> _phases = [];
    private readonly List<(string Master, string Outcome)> _finished = [];

    private FailoverTracker NewTracker() => new()
    {
        PhaseCompleted = (phase, seconds) => _phases.Add((phase, seconds)),
        LedFailoverFinished = (master, outcome) => _finished.Add((master, outcome)),
    };

    [Fact]
    public void The_leader_sees_every_phase_and_the_failover_ends_after_the_switch()
    {
        var tracker = NewTracker();
        tracker.OnEvent("+sdown", "master m 10.0.0.1 6379", 1_000);
        tracker.OnEvent("+odown", "master m 10.0.0.1 6379 #quorum 2/2", 1_100);
        tracker.OnEvent("+try-failover", "master m 10.0.0.1 6379", 1_150);
        tracker.OnEvent("+elected-leader", "master m 10.0.0.1 6379", 1_300);
        tracker.OnEvent("+promoted-slave", "slave 10.0.0.2:6379 10.0.0.2 6379 @ m 10.0.0.1 6379", 1_600);
        Assert.Null(tracker.Recent.Single().Outcome);
        tracker.OnEvent("+failover-end", "master m 10.0.0.1 6379", 2_600);
        tracker.OnEvent("+switch-master", "m 10.0.0.1 6379 10.0.0.2 6379", 2_610);

        var failover = tracker.Recent.Single();
        Assert.Equal(("m", "ended", "10.0.0.2:6379"), (failover.MasterName, failover.Outcome, failover.NewMaster));
        Assert.Equal([1_000L, 1_100, 1_300, 1_600, 2_610, 2_600],
            [failover.SdownMs!.Value, failover.OdownMs!.Value, failover.ElectedMs!.Value, failover.PromotedMs!.Value, failover.SwitchMasterMs!.Value, failover.EndMs!.Value]);
        Assert.Equal([("sdown_to_odown", 0.1), ("odown_to_elected", 0.2), ("elected_to_promoted", 0.3), ("promoted_to_end", 1.0), ("fault_to_switch_master", 1.61)], _phases);
        Assert.Equal([("m", "ended")], _finished);
    }

    [Fact]
    public void A_sentinel_that_did_not_lead_finishes_at_the_switch_and_counts_no_failover_of_its_own()
    {
        var tracker = NewTracker();
        tracker.OnEvent("+sdown", "master m 10.0.0.1 6379", 0);
        tracker.OnEvent("+odown", "master m 10.0.0.1 6379 #quorum 2/2", 50);
        tracker.OnEvent("+switch-master", "m 10.0.0.1 6379 10.0.0.3 6379", 2_000);
        var failover = tracker.Recent.Single();
        Assert.Equal("switched", failover.Outcome);
        Assert.Null(failover.ElectedMs);
        Assert.Empty(_finished);
        Assert.Contains(("fault_to_switch_master", 2.0), _phases);
    }

    [Fact]
    public void A_master_back_before_any_failover_leaves_no_timeline_and_aborts_are_counted()
    {
        var tracker = NewTracker();
        tracker.OnEvent("+sdown", "master m 10.0.0.1 6379", 0);
        tracker.OnEvent("-sdown", "master m 10.0.0.1 6379", 500);
        Assert.Empty(tracker.Recent);

        tracker.OnEvent("+sdown", "master m 10.0.0.1 6379", 1_000);
        tracker.OnEvent("+odown", "master m 10.0.0.1 6379 #quorum 2/2", 1_100);
        tracker.OnEvent("-failover-abort-not-elected", "master m 10.0.0.1 6379", 1_500);
        Assert.Null(tracker.Recent.Single().Outcome); // another sentinel may still fail it over
        tracker.OnEvent("+elected-leader", "master m 10.0.0.1 6379", 3_000);
        tracker.OnEvent("-failover-abort-no-good-slave", "master m 10.0.0.1 6379", 3_100);
        Assert.Equal("failover-abort-no-good-slave", tracker.Recent.Single().Outcome);
        Assert.Equal([("m", "failover-abort-not-elected"), ("m", "failover-abort-no-good-slave")], _finished);
    }

    [Fact]
    public void Events_name_their_master_in_the_reference_formats()
    {
        Assert.Equal("m", FailoverTracker.MasterNameOf("+sdown", "master m 1.2.3.4 5".Split(' ')));
        Assert.Equal("m", FailoverTracker.MasterNameOf("+sdown", "slave 1.2.3.4:5 1.2.3.4 5 @ m 1.2.3.9 6".Split(' ')));
        Assert.Equal("m", FailoverTracker.MasterNameOf("+switch-master", "m 1.2.3.4 5 1.2.3.5 6".Split(' ')));
        Assert.Null(FailoverTracker.MasterNameOf("+new-epoch", "7".Split(' ')));
    }
}
