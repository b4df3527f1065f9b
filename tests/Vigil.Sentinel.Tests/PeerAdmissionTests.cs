using Vigil.Resp;
using Vigil.Sentinel.State;
using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;

namespace Vigil.Sentinel.Tests;

/// <summary>
/// A sentinel named in a hello counts only once we reached its announced address and it answered SENTINEL MYID with
/// that run id and GET-MASTER-ADDR-BY-NAME with an address (it watches the master).
/// </summary>
public sealed class PeerAdmissionTests
{
    private static string Hello(string ip, int port, string runId, long epoch = 0, long configEpoch = 0) =>
        $"{ip},{port},{runId},{epoch},mymaster,{MasterIp},{MasterPort},{configEpoch}";

    private static IReadOnlyList<RespValue> Sentinels(SimulatedHost host) => Replies.Items(host.Sentinel("sentinels", "mymaster"));

    private static SimulatedHost WithRealPeer()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.PublishHello(Hello("10.0.0.9", 7109, PeerA));
        Assert.Single(Sentinels(host));
        return host;
    }

    private static bool Logged(SimulatedHost host, string text) => host.EffectsOf<Log>().Any(l => l.Message.Contains(text, StringComparison.Ordinal));

    [Fact]
    public void ARealPeerIsAdmittedAfterAnsweringAsItsRunIdAndAsAWatcherOfTheMaster()
    {
        var host = WithRealPeer();

        var asked = host.CommandsTo("10.0.0.9", 7109).ToList();
        Assert.Contains(asked, a => a is ["SENTINEL", "MYID"]);
        Assert.Contains(asked, a => a is ["SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"]);
        Assert.Equal($"sentinel {PeerA} 10.0.0.9 7109 @ mymaster {MasterIp} {MasterPort}", Assert.Single(host.Events("+sentinel")).Message);
        Assert.Equal([new KnownSentinelState("10.0.0.9", 7109, PeerA)], host.Core.State.Masters[0].KnownSentinels);
    }

    [Fact]
    public void InventedSentinelsAtDeadAddressesAreNeitherListedNorCountedNorSaved()
    {
        var host = WithRealPeer();
        for (int i = 0; i < 5; i++) host.PublishForgedHello(Hello($"10.0.9.{i}", 26379, new string((char)('0' + i), 40)));

        Assert.Single(Sentinels(host));
        Assert.Single(host.Events("+sentinel"));
        Assert.Contains("sentinels=2", host.InfoSentinelSection(), StringComparison.Ordinal);
        Assert.Single(host.Core.State.Masters[0].KnownSentinels);
        Assert.Equal("1", Replies.Fields(host.Sentinel("master", "mymaster"))["num-other-sentinels"]);
        Assert.StartsWith("OK 2 usable", Assert.IsType<RespSimpleString>(host.Sentinel("ckquorum", "mymaster")).Text, StringComparison.Ordinal);
        Assert.True(Logged(host, "not admitted for 'mymaster': not reachable"));
    }

    [Fact]
    public void ABorrowedAddressWithANewRunIdDoesNotEvictTheRealPeer()
    {
        var host = WithRealPeer();
        host.PublishForgedHello(Hello("10.0.0.9", 7109, PeerB));

        Assert.Equal(PeerA, Replies.Fields(Sentinels(host).Single())["name"]);
        Assert.Empty(host.Events("+sentinel-invalid-addr"));
        Assert.True(Logged(host, $"Sentinel {PeerB} at 10.0.0.9:7109 not admitted for 'mymaster': it answered with run id {PeerA}"));
    }

    [Fact]
    public void ABorrowedRunIdAtAnotherAddressDoesNotMoveTheRealPeerNorRaiseTheEpoch()
    {
        var host = WithRealPeer();
        host.PublishForgedHello(Hello("10.0.0.66", 7166, PeerA, epoch: 40));

        Assert.Equal("10.0.0.9", Replies.Fields(Sentinels(host).Single())["ip"]);
        Assert.Empty(host.Events("+sentinel-address-switch"));
        Assert.Equal(0, host.Core.State.CurrentEpoch);
    }

    [Fact]
    public void AnEpochFromASentinelNotAdmittedIsNotAdopted()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.PublishForgedHello(Hello("10.0.9.1", 26379, PeerC, epoch: 12, configEpoch: 12));

        Assert.Equal(0, host.Core.State.CurrentEpoch);
        Assert.Equal("0", Replies.Fields(host.Sentinel("master", "mymaster"))["config-epoch"]);
        Assert.Empty(host.Events("+new-epoch"));
    }

    [Fact]
    public void AClaimedSentinelThatDoesNotWatchTheMasterIsNotAdmitted()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.AddNode("10.0.0.9", 7109).SentinelRunId = PeerA; // a real sentinel, watching other masters only
        host.PublishForgedHello(Hello("10.0.0.9", 7109, PeerA));

        Assert.Empty(Sentinels(host));
        Assert.True(Logged(host, "not admitted for 'mymaster': it does not watch this master"));
    }

    [Fact]
    public void AClaimThatNeverAnswersIsDroppedAfterItsCheckTime()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        host.AddNode("10.0.0.9", 7109).Frozen = true;
        host.PublishForgedHello(Hello("10.0.0.9", 7109, PeerA));
        var link = Assert.Single(host.EffectsOf<OpenLink>(), o => o.Host == "10.0.0.9").Link;

        host.RunFor(Limits.PeerClaimCheckMs - 100);
        Assert.DoesNotContain(host.EffectsOf<CloseLink>(), c => c.Link == link);
        host.RunFor(200);
        Assert.Contains(host.EffectsOf<CloseLink>(), c => c.Link == link);
        Assert.Empty(Sentinels(host));
    }

    [Fact]
    public void PendingClaimsAreBoundedPerMaster()
    {
        var host = HostExtensions.StartedWithMasterAndReplica();
        for (int i = 0; i < Limits.MaxPeerClaimsPerMaster + 10; i++)
        {
            host.AddNode($"10.0.8.{i}", 7000).Frozen = true; // connects, never answers: the claim stays open
            host.PublishForgedHello(Hello($"10.0.8.{i}", 7000, $"{i:d40}"));
        }

        Assert.Equal(Limits.MaxPeerClaimsPerMaster, host.EffectsOf<OpenLink>().Count(o => o.Host.StartsWith("10.0.8.", StringComparison.Ordinal)));
        Assert.Empty(Sentinels(host));
    }

    [Fact]
    public void AdmissionIsRememberedAcrossARestart()
    {
        var host = WithRealPeer();
        var restarted = new SimulatedHost(state: host.Core.State);

        Assert.Equal(PeerA, Replies.Fields(Replies.Items(restarted.Sentinel("sentinels", "mymaster")).Single())["name"]);
    }

    [Fact]
    public void AnAdmittedPeersEpochIsAdoptedUpToTheBoundAndAnImplausibleJumpIsRefusedAndLogged()
    {
        var host = WithRealPeer();
        host.PublishHello(Hello("10.0.0.9", 7109, PeerA, epoch: Limits.MaxEpochJump));
        Assert.Equal(Limits.MaxEpochJump, host.Core.State.CurrentEpoch);

        long implausible = 2 * Limits.MaxEpochJump + 1;
        host.PublishHello(Hello("10.0.0.9", 7109, PeerA, epoch: implausible));
        Assert.Equal(Limits.MaxEpochJump, host.Core.State.CurrentEpoch);
        Assert.True(Logged(host, $"Refusing epoch {implausible} from the hello of sentinel {PeerA}"));

        host.PublishHello(Hello("10.0.0.9", 7109, PeerA, epoch: long.MaxValue - 1));
        host.PublishHello($"10.0.0.9,7109,{PeerA},18446744073709551615,mymaster,{MasterIp},{MasterPort},0");
        Assert.Equal(Limits.MaxEpochJump, host.Core.State.CurrentEpoch);
    }

    [Fact]
    public void AnImplausibleConfigEpochFromAnAdmittedPeerIsRefused()
    {
        var host = WithRealPeer();
        host.PublishHello(Hello("10.0.0.9", 7109, PeerA, configEpoch: Limits.MaxEpochJump + 1));

        Assert.Equal("0", Replies.Fields(host.Sentinel("master", "mymaster"))["config-epoch"]);
        Assert.Equal(0, host.Core.State.CurrentEpoch);
    }

    [Fact]
    public void AVoteIsGivenOnlyToAnAdmittedPeer()
    {
        var host = WithRealPeer();

        var stranger = host.Sentinel("is-master-down-by-addr", MasterIp, "7001", "3", PeerB);
        Assert.Equal(RespValue.Array(RespValue.Integer(0), RespValue.Bulk("*"), RespValue.Integer(0)), stranger);
        Assert.Equal(0, host.Core.State.CurrentEpoch);

        var admitted = host.Sentinel("is-master-down-by-addr", MasterIp, "7001", "3", PeerA);
        Assert.Equal(RespValue.Array(RespValue.Integer(0), RespValue.Bulk(PeerA), RespValue.Integer(3)), admitted);
    }

    [Fact]
    public void AVoteRequestWithAnImplausibleOrNegativeEpochGetsOnlyTheVoteAlreadyHeld()
    {
        var host = WithRealPeer();
        host.Sentinel("is-master-down-by-addr", MasterIp, "7001", "3", PeerA);

        foreach (string epoch in new[] { (3 + Limits.MaxEpochJump + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), "9223372036854775807", "-1" })
        {
            var reply = host.Sentinel("is-master-down-by-addr", MasterIp, "7001", epoch, PeerA);
            Assert.Equal(RespValue.Array(RespValue.Integer(0), RespValue.Bulk(PeerA), RespValue.Integer(3)), reply);
        }
        Assert.Equal(3, host.Core.State.CurrentEpoch);
        Assert.Single(host.Events("+vote-for-leader"));
    }

    [Fact]
    public void TheEpochNeverWraps()
    {
        Assert.False(Election.EpochRules.TryNext(long.MaxValue, out long stuck));
        Assert.Equal(long.MaxValue, stuck);
        Assert.True(Election.EpochRules.TryNext(41, out long next));
        Assert.Equal(42, next);
        Assert.False(Election.EpochRules.IsPlausible(5, -1));
        Assert.True(Election.EpochRules.IsPlausible(long.MaxValue, long.MaxValue));
        Assert.False(Election.EpochRules.IsPlausible(0, long.MaxValue));
    }
}
