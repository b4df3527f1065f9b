using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Failover;

/// <summary>
/// One failover of one master, from its start to its end (abort, switch or reset): the master holds one only while
/// the failover runs, so nothing of it can outlive it. What outlasts a failover (the back-off start time, a forced
/// failover deferred by TILT) stays on the master record.
/// </summary>
internal sealed class FailoverRun(long epoch, bool forced, long startedAtMs)
{
    /// <summary>The epoch this failover was started in; the configuration it installs gets it.</summary>
    public long Epoch { get; } = epoch;

    /// <summary>SENTINEL FAILOVER: no ODOWN, no election, no peer asks.</summary>
    public bool Forced { get; } = forced;

    /// <summary>SENTINEL FAILOVER ... COORDINATED: a planned switchover or nothing (never a promotion without the pause).</summary>
    public bool Coordinated { get; set; }

    public FailoverState State { get; private set; } = FailoverState.WaitStart;

    /// <summary>When <see cref="State"/> was entered: each state's timeout counts from here.</summary>
    public long StateChangedAtMs { get; private set; } = startedAtMs;

    /// <summary>
    /// Our own vote may go to ourselves (<c>FailoverMachine.SelfVoteOpen</c>). Until then it goes only to a candidate a
    /// peer voted for, or to one with a lower run id that asks for it.
    /// </summary>
    public bool SelfVoteOpen { get; set; }

    /// <summary>When <see cref="SelfVoteOpen"/> becomes true (0 = not fixed yet: what we sent since the start waits for a save).</summary>
    public long SelfVoteOpensAtMs { get; set; }

    /// <summary>The replica chosen in select_slave, from then on.</summary>
    public ReplicaRecord? PromotedReplica { get; set; }

    /// <summary>Moves to the next state; the states only go forward, one at a time (compatibility-rules §7.1).</summary>
    public void MoveTo(FailoverState next, long nowMs)
    {
        Invariants.Check(next == State + 1 && next <= FailoverState.UpdateConfig,
            $"illegal failover transition {State.Wire()} -> {next.Wire()}");
        Invariants.Check(next < FailoverState.SendSlaveofNoone || PromotedReplica is not null,
            $"failover state {next.Wire()} without a promoted replica");
        State = next;
        StateChangedAtMs = nowMs;
    }
}
