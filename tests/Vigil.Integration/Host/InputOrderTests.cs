using Vigil.Resp;
using Vigil.Sentinel;
using Vigil.Server.Loop;

namespace Vigil.Integration.Host;

/// <summary>
/// Inputs read on socket threads reach the core after ticks stamped later; the core must see them in time order, or it
/// takes each for a backward step of the clock and runs its own clock ahead (healthy instances then went SDOWN by the
/// thousand at 1,000 masters).
/// </summary>
public sealed class InputOrderTests
{
    [Fact]
    public void InputsInTimeOrderPassUnchanged()
    {
        var order = new InputOrder();
        var tick = new Tick(1_000);
        var reply = new LinkReply(1_005, new LinkId(3), RespValue.Ok);

        Assert.Same(tick, order.Next(tick));
        Assert.Same(reply, order.Next(reply));
    }

    [Fact]
    public void AnInputReadBeforeATickHandledFirstCountsAsArrivingAtTheTick()
    {
        var order = new InputOrder();
        order.Next(new Tick(2_000));
        var late = order.Next(new LinkReply(1_950, new LinkId(3), RespValue.Ok));

        var reply = Assert.IsType<LinkReply>(late);
        Assert.Equal(2_000, reply.NowMs);
        Assert.Equal(new LinkId(3), reply.Link);
        Assert.Equal(RespValue.Ok, reply.Reply);
        // Time goes on from the latest stamp, not from the late one.
        Assert.Equal(2_010, order.Next(new Tick(2_010)).NowMs);
    }
}
