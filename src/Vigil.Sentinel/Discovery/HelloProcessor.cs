using System.Globalization;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.Events;
using Vigil.Sentinel.Links;
using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Discovery;

/// <summary>Sends this sentinel's hello (§4.2) and learns peers and epochs from others' (§4.3).</summary>
internal sealed class HelloProcessor(
    SentinelContext context, LinkManager links, Topology topology, EventEmitter events, ConfigAdoption adoption)
{
    /// <summary>The hello for <paramref name="target"/>'s master, or null while our own address is unknown.</summary>
    public HelloMessage? Build(InstanceRecord target)
    {
        string? ip = context.Wide.AnnounceIp ?? target.Link.CommandLocalIp;
        if (ip is null) return null;
        var master = target.OwningMaster;
        var current = master.CurrentAddress;
        return new HelloMessage(ip, AnnouncedPort(), context.MyId, context.CurrentEpoch, master.Name,
            current.Announced(context.AnnounceHostnames), current.Port, master.ConfigEpoch);
    }

    public int AnnouncedPort()
    {
        if (context.Wide.AnnouncePort != 0) return context.Wide.AnnouncePort;
        var tls = context.Config.Server.Tls;
        if (tls.TlsReplication && tls.TlsPort != 0) return tls.TlsPort;
        return context.Options.ListeningPort;
    }

    /// <summary>PUBLISH our hello on the target's command link (peers take it through their PUBLISH command).</summary>
    public void Send(InstanceRecord target)
    {
        if (Build(target) is not { } hello) return;
        if (links.Send(target, ReplyKind.Publish, "PUBLISH", Limits.HelloChannel, hello.Format())) target.HelloInFlight = true;
    }

    public void OnPublishReply(InstanceRecord target, bool isError)
    {
        target.HelloInFlight = false;
        if (isError) target.HelloRetryNotBeforeMs = context.NowMs + Limits.RetryAfterErrorReplyMs;
        else target.LastHelloPublishedAtMs = context.NowMs;
    }

    /// <summary>A hello from any source. Malformed ones and unknown master names are ignored.</summary>
    public void Process(string payload)
    {
        if (HelloMessage.TryParse(payload) is not { } hello) return;
        if (!context.Masters.TryGetValue(hello.MasterName, out var master)) return;
        // Our own id can only come from a forged PUBLISH (our own hellos are filtered on pub/sub): the reference would
        // record itself as a peer, a voter we can never reach.
        if (hello.RunId == context.MyId) return;

        var peer = topology.FindPeer(master, hello.SentinelHost, hello.SentinelPort, hello.RunId);
        if (peer is null) peer = LearnPeer(master, hello);

        if (hello.CurrentEpoch > context.CurrentEpoch)
        {
            context.CurrentEpoch = hello.CurrentEpoch;
            context.RequestPersist();
            events.Raw(LogLevel.Warning, "+new-epoch", master, context.CurrentEpoch.ToString(CultureInfo.InvariantCulture));
        }

        if (peer is not null && ConfigAdoption.Supersedes(master, hello.MasterConfigEpoch, hello.MasterHost, hello.MasterPort))
        {
            adoption.OnNewerConfigEpoch(master, peer, hello.MasterHost, hello.MasterPort, hello.MasterConfigEpoch);
        }

        if (peer is not null) peer.LastHelloReceivedAtMs = context.NowMs;
    }

    /// <summary>
    /// No peer has both this address and this run id. The run id moved (address switch), or another run id sits on
    /// this address (a restarted sentinel with a new id: the old one is dropped everywhere), or it is new.
    /// </summary>
    private PeerRecord? LearnPeer(MasterRecord master, HelloMessage hello)
    {
        int removed = topology.RemovePeersWithRunId(master, hello.RunId);
        if (removed > 0)
        {
            events.About(LogLevel.Notice, "+sentinel-address-switch", master,
                $" ip {hello.SentinelHost} port {hello.SentinelPort.ToString(CultureInfo.InvariantCulture)} for {hello.RunId}");
        }
        else if (topology.FindPeer(master, hello.SentinelHost, hello.SentinelPort, runId: null) is { } other)
        {
            events.About(LogLevel.Notice, "+sentinel-invalid-addr", other);
            string obsolete = other.RunId ?? other.Name;
            foreach (var anyMaster in context.Masters.Values.ToList()) topology.RemovePeersWithRunId(anyMaster, obsolete);
        }

        var peer = topology.CreatePeer(master, hello.RunId, hello.SentinelHost, hello.SentinelPort);
        if (peer is null) return null;
        if (removed == 0) events.About(LogLevel.Notice, "+sentinel", peer);
        else UpdateAddressInAllMasters(peer);
        context.RequestPersist();
        return peer;
    }

    /// <summary>Copies a switched peer's new address to its records under the other masters and drops the old connections.</summary>
    private void UpdateAddressInAllMasters(PeerRecord moved)
    {
        int updated = 0;
        foreach (var match in context.PeersWithRunId(moved.Name).ToList())
        {
            links.CloseAll(match.Link);
            if (match == moved) continue;
            match.Address = moved.Address;
            updated++;
        }
        if (updated > 0)
        {
            events.About(LogLevel.Notice, "+sentinel-address-update", moved,
                $" {updated.ToString(CultureInfo.InvariantCulture)} additional matching instances");
        }
    }
}
