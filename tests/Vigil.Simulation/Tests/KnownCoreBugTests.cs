using Vigil.Resp;

namespace Vigil.Simulation.Tests;

/// <summary>
/// Bugs the simulation found in the core, kept as directed regression cases (a seed's run changes whenever the world
/// changes; these do not). Each is skipped while its fix is not in this branch's core; remove the Skip when it is.
/// Campaigns tolerate exactly these outside <c>--strict</c> (see <c>KnownCoreBugs</c>).
/// </summary>
public sealed class KnownCoreBugTests
{
    [Fact(Skip = "core bug: SENTINEL SET answers 'ERR Invalid argument' to every valid value, though it applies it "
        + "(SetOutcome.Ok is default(SetOutcome), whose BadValueIndex is 0, not -1); found by seed 295; fixed on the core branch in 72a2ad7, not merged here")]
    public void SentinelSetWithAValidValueAnswersOk()
    {
        var world = DirectedWorlds.ThreeSentinelsOneReplica();
        world.Boot();
        world.Queue.RunUntil(3000);

        var reply = world.Sentinels[0].Execute("set", "mymaster", "down-after-milliseconds", "2500");

        Assert.Equal(RespValue.Ok, reply);
    }

    [Fact(Skip = "core bug: on the first acting tick after TILT, ODOWN counts peers' 'down' answers older than 5 s "
        + "(CheckObjectivelyDown runs before PeerQueries.Ask expires them, and Ask is skipped in TILT; §5.2 allows only answers <= 5000 ms old); found by seed 3952")]
    public void OdownRightAfterTiltCountsOnlyFreshPeerAnswers()
    {
        var world = DirectedWorlds.ThreeSentinelsOneReplica(strict: true);
        var master = world.Redis[0];
        var s0 = world.Sentinels[0];
        world.Boot();
        world.Queue.RunUntil(5000);

        // Everyone sees the master down and tells the others; then it recovers and they all clear SDOWN.
        master.Freeze(4000);
        world.Queue.RunUntil(9500);
        // Sentinel 0 stalls (TILT on resume); while it is in TILT it loses the master, and its peers' old
        // "down" answers are never expired.
        s0.Pause();
        world.Queue.RunUntil(12500);
        s0.Resume();
        world.Queue.RunUntil(13000);
        world.Network.Block(s0.HostId, master.HostId);
        world.Network.Block(master.HostId, s0.HostId);

        // Leaving TILT, it finds the master SDOWN: ODOWN must not count 10-second-old answers.
        var violation = Record.Exception(() => world.Queue.RunUntil(25000));

        Assert.True(violation is null, violation?.Message);
    }

    [Fact(Skip = "core bug: after a backward clock step, peers' 'down' answers from before the step look fresh (their age is negative) "
        + "until the clock catches up, so they keep counting for ODOWN far beyond five ask periods; found by seed 50140")]
    public void PeerAnswersFromBeforeABackwardClockStepDoNotCountForOdown()
    {
        var world = DirectedWorlds.ThreeSentinelsOneReplica(strict: true);
        var master = world.Redis[0];
        var s0 = world.Sentinels[0];
        world.Boot();
        world.Queue.RunUntil(5000);

        // Everyone sees the master down and tells the others; then it recovers and they all clear SDOWN.
        master.Freeze(4000);
        world.Queue.RunUntil(10000);
        // Sentinel 0's clock steps back 30 s (TILT; its timers wait for the clock to catch up), and it loses the master.
        s0.JumpClock(-30000);
        world.Queue.RunUntil(16000);
        world.Network.Block(s0.HostId, master.HostId);
        world.Network.Block(master.HostId, s0.HostId);

        // Once it notices, ODOWN must not count answers given 30 s earlier (stamped in what was its future).
        var violation = Record.Exception(() => world.Queue.RunUntil(60000));

        Assert.True(violation is null, violation?.Message);
    }
}
