using Vigil.Resp;

namespace Vigil.Simulation.Tests;

/// <summary>
/// Bugs the simulation found in the core, kept as directed regression cases (a seed's run changes whenever the world
/// changes; these do not).
/// </summary>
public sealed class CoreBugRegressionTests
{
    /// <summary>SENTINEL SET answered "ERR Invalid argument" to every valid value, though it applied it (seed 295).</summary>
    [Fact]
    public void SentinelSetWithAValidValueAnswersOk()
    {
        var world = DirectedWorlds.ThreeSentinelsOneReplica();
        world.Boot();
        world.Queue.RunUntil(3000);

        var reply = world.Sentinels[0].Execute("set", "mymaster", "down-after-milliseconds", "2500");

        Assert.Equal(RespValue.Ok, reply);
    }

    /// <summary>
    /// On the first acting tick after TILT, ODOWN counted peers' "down" answers older than five ask periods: their expiry ran
    /// with the questions, after the ODOWN check and not at all in TILT (seed 3952).
    /// </summary>
    [Fact]
    public void OdownRightAfterTiltCountsOnlyFreshPeerAnswers()
    {
        var world = DirectedWorlds.ThreeSentinelsOneReplica();
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

    /// <summary>
    /// After a backward clock step, peers' "down" answers from before the step looked fresh (negative age) until the clock
    /// caught up, and kept counting for ODOWN far beyond five ask periods (seed 50140).
    /// </summary>
    [Fact]
    public void PeerAnswersFromBeforeABackwardClockStepDoNotCountForOdown()
    {
        var world = DirectedWorlds.ThreeSentinelsOneReplica();
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
