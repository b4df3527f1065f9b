using Vigil.Simulation.World;

namespace Vigil.Simulation.Tests;

/// <summary>
/// Seeds that once found a core bug or a checker false positive, replayed. A seed's schedule changes
/// whenever the world or the core changes, so these are a net, not a proof: every core bug also has a directed test
/// (in the core's unit tests or in <see cref="CoreBugRegressionTests"/>).
/// </summary>
public sealed class RegressionSeedTests
{
    [Theory]
    [InlineData(295)]   // SENTINEL SET answered an error to valid values
    [InlineData(1785)]  // a down answer delayed 9 s in the network counted as fresh on arrival
    [InlineData(30068)] // write fencing lifted on hellos held up in a cut-off Redis, sent before the failover
    [InlineData(8698)]  // write fencing lifted on a confirmation from a peer that had since moved to the new master
    [InlineData(3952)]  // stale peer answers counted for ODOWN on the first tick after TILT
    [InlineData(50140)] // timestamps from before a backward clock step lay in the core's future
    [InlineData(1163)]  // the same: a replica's PING reply looked recent for the length of the step
    [InlineData(710)]   // the same, through ODOWN
    [InlineData(1839)]  // the same, through ODOWN
    [InlineData(90189)] // a leader elected by a minority before every peer was discovered
    [InlineData(90025)] // checker: SDOWN flags kept across +switch-master
    [InlineData(237)]   // checker: SENTINEL FAILOVER deferred past TILT
    [InlineData(423)]   // a forced failover in a partition reused the group's epoch; its configuration must yield
    [InlineData(1031)]  // checker: an election after the operator made a sentinel forget its peers
    [InlineData(439)]   // checker: a node every sentinel was made to forget
    [InlineData(2114)]  // a RESET after promotion kept the old address under the failover epoch
    [InlineData(4084)]  // a newer claim for the old address during our reconfiguration only raised the epoch
    [InlineData(3828)]  // the same
    [InlineData(9708)]  // checker: a fresh sentinel cut off from its peers wins alone with quorum 1
    [InlineData(13307)] // checker: the same with partial discovery
    [InlineData(11205)] // a node replicating from a replica (the old master) was invisible to every sentinel
    [InlineData(4750)]  // the same
    [InlineData(10460)] // the same
    [InlineData(11754)] // the same
    [InlineData(7575)]  // one-config-per-epoch under an earlier core (fixed by comparing claims with the announced address)
    [InlineData(14524)] // the same
    [InlineData(14365)] // checker: a fresh sentinel cut off from its peers wins alone with quorum 1
    [InlineData(15518)] // a chained replica
    [InlineData(26783)] // a forced failover's configuration, adopted by a sentinel that was behind, never yielded
    [InlineData(29114)] // checker: a vote given before the voter's master was removed still counts for its winner
    [InlineData(40012)] // checker: REMOVE then MONITOR lets a sentinel vote again in an epoch: two winners
    [InlineData(42597)] // the same, with a scripted outside candidate
    [InlineData(41300)] // checker: a minority winner (peers undiscovered) and a majority winner in one epoch
    [InlineData(726)]   // operator model: SET on a master removed and not monitored again yet
    [InlineData(58543)] // every sentinel forgot a failover: the old master followed a node none of them knew
    [InlineData(273)]   // a replica polled for INFO every slot after a busy script never got a PING again: SDOWN for good
    [InlineData(115848)] // peer answers held back by a stalled link counted as fresh when they arrived: ODOWN without quorum
    [InlineData(400389)] // checker: the operator's resets left two islands of sentinels that share no node
    [InlineData(200368)] // the same as 58543, but the node the old master followed reports no priority (it is a master)
    [InlineData(2812)]  // checker: a stale master's demotion held up by the sentinel's failover attempt after the heal
    [InlineData(10485)] // checker: a fence lifted for the address a newer configuration also names
    [InlineData(425791)] // a sentinel behind by two elections fenced the replica a newer election had promoted: replication loop
    [InlineData(446385)] // the failover's leader alone knew the promoted replica; the peers behind denied its claim for ever
    [InlineData(437648)] // checker: a SENTINEL FAILOVER whose pause was dropped (latency closed the link) held to the planned bound
    [InlineData(461034)] // a sentinel that had discovered one peer of four lifted its fence on "a majority of 2" confirmations
    [InlineData(9726)]  // a fence lifted on confirmations given by peers that held the master down and voted a new epoch moments later
    [InlineData(10602)] // the same with 3 sentinels: one confirming peer was "a majority", and it was mid-failover
    [InlineData(428300)] // a sentinel among peers all behind denied the configuration of the leader it had voted for
    [InlineData(446497)] // the same
    [InlineData(631505)] // a fence lifted on confirmations given milliseconds before the confirming peers adopted a newer configuration
    [InlineData(625979)] // model: data sent on a slow link kept its slow delay after the link recovered (no retransmission)
    [InlineData(626150)] // model: the racing connect waited on a slow handshake instead of starting a fresh attempt
    [InlineData(656952)] // the same
    [InlineData(802602)] // checker: a master switched by a failover after the heal held to the bound counted from the heal
    [InlineData(811124)] // checker: islands left when the operator reset one side and the other is a sentinel restarted from a cut-off state
    [InlineData(812515)] // checker: a node one sentinel never listed and the operator made the others forget
    [InlineData(885326)] // a fence kept for ever: a confirmation asked before the peer link dropped and came back was owed for ever
    [InlineData(916030)] // checker: a PING answer that waited for a paused sentinel counted from its arrival, not from when the core read it
    [InlineData(502976)] // a re-monitored sentinel that knew one peer asked for two confirmations of the group's newer configuration
    [InlineData(338)] // a tick skipped a master whose failover could end: its last awaited replica went down during its previous visit
    [InlineData(1407140)] // a tick skipped a master whose held failover start was not announced yet (+failover-damped)
    [InlineData(1407631)] // the same
    [InlineData(1515809)] // model: a sentinel killed at the first save of its own start was then asked to run SENTINEL DEBUG
    [InlineData(33)] // a tick skipped a master whose peer record could end SDOWN: the silence spanned a reconnect, and its end touched no master
    [InlineData(715)] // the same
    public void SeedKeepsEveryInvariant(int seed)
    {
        var result = new SimWorld(seed, new SimWorldOptions()).Run();

        Assert.True(result.Passed, $"seed {seed}: [{result.Invariant}] {result.Detail}");
    }

    [Theory]
    [InlineData(73)] // a tick skipped a master whose engaged fence could ask a peer to confirm: the peer's silence had lapsed while no fence could act on it, and its end touched no master
    public void LongProfileSeedKeepsEveryInvariant(int seed)
    {
        var result = new SimWorld(seed, new SimWorldOptions { Profile = SimulationProfile.Long }).Run();

        Assert.True(result.Passed, $"seed {seed} (long profile): [{result.Invariant}] {result.Detail}");
    }

    [Theory]
    [InlineData(318732)] // checker: SENTINEL FAILOVER refused, a later unplanned failover held to the planned bound
    [InlineData(313053)] // a replication loop between the named master and a priority-0 replica: no failover could end it
    public void ForgedHelloSeedKeepsEveryInvariant(int seed)
    {
        var result = new SimWorld(seed, new SimWorldOptions { ForgedHellos = true }).Run();

        Assert.True(result.Passed, $"seed {seed} (forged hellos): [{result.Invariant}] {result.Detail}");
    }
}
