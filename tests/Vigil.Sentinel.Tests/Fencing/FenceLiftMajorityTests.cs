using Vigil.Sentinel.Fencing;
using Vigil.Sentinel.Links;
using Vigil.Sentinel.Monitoring;
using Vigil.Sentinel.State;

namespace Vigil.Sentinel.Tests.Fencing;

/// <summary>How many confirming peers lift a fence, on records built directly (no network needed to count).</summary>
public sealed class FenceLiftMajorityTests
{
    private const long Now = 10_000;
    private const long Window = 500;

    private static MasterRecord MasterWithPeers(int quorum, int peers)
    {
        var settings = new MasterSettings { Quorum = quorum, DownAfterMs = 2000, FailoverTimeoutMs = 10_000, ParallelSyncs = 1 };
        var master = new MasterRecord("orders", new InstanceAddress("10.0.1.1", "10.0.1.1", 7000), new InstanceLink(wantsPubSub: true, Now), settings, Now);
        for (int i = 0; i < peers; i++)
        {
            string runId = $"peer-{i}";
            var link = new InstanceLink(wantsPubSub: false, Now) { LastAvailableAtMs = Now };
            master.Peers[runId] = new PeerRecord(runId, new InstanceAddress($"10.1.0.{i + 2}", $"10.1.0.{i + 2}", 26379), link, master, Now);
        }
        return master;
    }

    private static HashSet<string> Confirmed(int count) => Enumerable.Range(0, count).Select(i => $"peer-{i}").ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void SentinelThatDiscoveredOnePeerOfFiveDoesNotLiftOnItsConfirmationAlone()
    {
        // Five sentinels, quorum 2: one peer known and confirming looks like "2 of 2", but the other three may have
        // promoted a replica without either of us.
        var master = MasterWithPeers(quorum: 2, peers: 1);
        Assert.False(PeerContact.MajorityConfirms(master, Now, Window, Confirmed(1)));
    }

    [Fact]
    public void FullyDiscoveredGroupLiftsOnceTheQuorumOfPeersConfirms()
    {
        var master = MasterWithPeers(quorum: 2, peers: 2);
        Assert.False(PeerContact.MajorityConfirms(master, Now, Window, Confirmed(1)));
        Assert.True(PeerContact.MajorityConfirms(master, Now, Window, Confirmed(2)));
    }

    [Fact]
    public void LargeGroupNeedsAMajorityEvenWithALowQuorum()
    {
        var master = MasterWithPeers(quorum: 2, peers: 6);
        Assert.False(PeerContact.MajorityConfirms(master, Now, Window, Confirmed(2)));
        Assert.True(PeerContact.MajorityConfirms(master, Now, Window, Confirmed(3)));
    }

    [Fact]
    public void EveryKnownPeerConfirmingCountsOnlyWhenAllOfThemDo()
    {
        // Quorum 3 of 3 sentinels: the quorum of peers can never confirm, so the fence's way out is every known peer.
        var master = MasterWithPeers(quorum: 3, peers: 2);
        Assert.False(PeerContact.MajorityConfirms(master, Now, Window, Confirmed(2)));
        Assert.False(PeerContact.AllKnownConfirm(master, Now, Window, Confirmed(1)));
        Assert.True(PeerContact.AllKnownConfirm(master, Now, Window, Confirmed(2)));
    }
}
