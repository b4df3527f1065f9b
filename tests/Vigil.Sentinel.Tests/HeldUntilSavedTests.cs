using Vigil.Resp;
using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;
using static Vigil.Sentinel.Tests.Support.FailoverFixture;

namespace Vigil.Sentinel.Tests;

/// <summary>A vote or a new epoch is heard of only once the save that holds it is confirmed by the host.</summary>
public sealed class HeldUntilSavedTests
{
    [Fact]
    public void AVoteIsRepliedOnlyAfterItsSaveIsConfirmed()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.AdmitPeers(PeerA);
        host.Saver = _ => null; // the host writes later
        long id = host.NextRequestId;

        var early = host.Request((now, requestId) => new SentinelRequest(now, requestId,
            [.. new[] { "is-master-down-by-addr", MasterIp, "7001", "5", PeerA }.Select(System.Text.Encoding.UTF8.GetBytes)]));

        Assert.Null(early);
        var save = host.EffectsOf<PersistState>().Last();
        Assert.Equal((PeerA, 5L), (save.State.Masters[0].Leader, save.State.Masters[0].LeaderEpoch));
        host.Driver.Saved(save.Seq, ok: true);
        var reply = Assert.IsType<Reply>(host.AnswerTo(id)).Value;
        Assert.Equal(RespValue.Array(RespValue.Integer(0), RespValue.Bulk(PeerA), RespValue.Integer(5)), reply);
    }

    [Fact]
    public void VoteRequestsAtANewEpochLeaveOnlyAfterTheEpochIsSaved()
    {
        var host = Start();
        host.Saver = _ => null;
        host.MasterNode().Frozen = true;
        host.RunUntilEvent("+odown", 10_000);
        int sendsBefore = host.EffectsOf<SendCommand>().Count();
        while (!host.Core.MyId.Equals(host.EffectsOf<PersistState>().LastOrDefault()?.State.Masters[0].Leader, StringComparison.Ordinal))
        {
            host.RunUntil(host.Core.NextWakeMs);
        }

        // The epoch and our own vote are asked to be saved; nothing that names them has left.
        var save = host.EffectsOf<PersistState>().Last();
        Assert.DoesNotContain(host.EffectsOf<SendCommand>().Skip(sendsBefore), s => s.Args is ["SENTINEL", "is-master-down-by-addr", ..]);
        Assert.Empty(host.Texts("+try-failover"));

        host.Driver.Saved(save.Seq, ok: true);
        Assert.Single(host.Texts("+try-failover"));
        Assert.Equal(Peers.Length, host.EffectsOf<SendCommand>().Count(s => s.Args is ["SENTINEL", "is-master-down-by-addr", _, _, "1", _]));
    }
}
