using System.Globalization;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.Election;
using Vigil.Sentinel.Events;
using Vigil.Sentinel.Links;
using Vigil.Sentinel.Monitoring;
using Vigil.Sentinel.Text;

namespace Vigil.Sentinel.Discovery;

/// <summary>Sends this sentinel's hello (compatibility-rules §4.2) and learns peers and epochs from others' (§4.3).</summary>
internal sealed class HelloProcessor(
    CoreSettings settings, CoreClock clock, EffectQueue effects, Epochs epochs, MonitorState monitored, LinkManager links, Topology topology, EventEmitter events, ConfigAdoption adoption, PeerAdmission admission)
{
    private readonly TextInterner _texts = new();

    /// <summary>The hello for <paramref name="target"/>'s master, or null while our own address is unknown.</summary>
    public HelloMessage? Build(InstanceRecord target)
    {
        string? ip = settings.Wide.AnnounceIp ?? target.Link.CommandLocalIp;
        if (ip is null) return null;
        var master = target.OwningMaster;
        if (!CanAnnounceMaster(master, settings.AnnounceHostnames)) return null;
        var current = master.CurrentAddress;
        return new HelloMessage(ip, AnnouncedPort(), monitored.MyId, epochs.Current, master.Name,
            current.Announced(settings.AnnounceHostnames), current.Port, master.ConfigEpoch);
    }

    /// <summary>
    /// Unlike the reference, no hello names a master by an empty IP (a master known by a hostname that has not
    /// resolved yet, without <c>announce-hostnames</c>): peers would take it for an address. Hellos resume once the
    /// name resolves.
    /// </summary>
    public static bool CanAnnounceMaster(MasterRecord master, bool announceHostnames) =>
        announceHostnames || master.CurrentAddress.Ip.Length > 0;

    public int AnnouncedPort()
    {
        if (settings.Wide.AnnouncePort != 0) return settings.Wide.AnnouncePort;
        var tls = settings.Config.Server.Tls;
        if (tls.TlsReplication && tls.TlsPort != 0) return tls.TlsPort;
        return settings.Options.ListeningPort;
    }

    /// <summary>PUBLISH our hello on the target's command link (peers take it through their PUBLISH command).</summary>
    public void Send(InstanceRecord target)
    {
        if (Build(target) is not { } hello) return;
        if (links.Send(target, ReplyKind.Publish, "PUBLISH", HelloChannel.Name, TextOf(hello, target.OwningMaster))) target.HelloInFlight = true;
    }

    // A master's hello changes only with an epoch, an address or a failover: its text is made again only then.
    private static string TextOf(HelloMessage hello, MasterRecord master)
    {
        if (master.LastHelloSent is { } last && last.Hello == hello) return last.Text;
        var text = hello.Format();
        master.LastHelloSent = (hello, text);
        return text;
    }

    public void OnPublishReply(InstanceRecord target, bool isError)
    {
        target.HelloInFlight = false;
        if (isError) target.HelloRetryNotBeforeMs = clock.NowMs + Limits.RetryAfterErrorReplyMs;
        else target.LastHelloPublishedAtMs = clock.NowMs;
    }

    /// <summary>
    /// A hello from any source. Malformed ones and unknown master names are ignored. Only a hello naming an admitted
    /// peer (run id and address) is believed; any other opens a claim to check (see <see cref="PeerAdmission"/>).
    /// Returns the master whose state the hello changed (a claim, an epoch, a newer configuration), or null when it
    /// only confirmed what was known, as nearly every hello of a fleet does.
    /// </summary>
    public MasterRecord? Process(ReadOnlySpan<char> payload)
    {
        if (HelloMessage.TryParse(payload, _texts) is not { } hello) return null;
        if (!monitored.Masters.TryGetValue(hello.MasterName, out var master)) return null;
        // Our own id can only come from a forged PUBLISH (our own hellos are filtered on pub/sub): the reference would
        // record itself as a peer, a voter we can never reach.
        if (hello.RunId == monitored.MyId) return null;

        var peer = topology.FindPeer(master, hello.SentinelHost, hello.SentinelPort, hello.RunId);
        if (peer is null)
        {
            admission.Claim(master, hello.RunId, hello.SentinelHost, hello.SentinelPort);
            return master;
        }
        peer.LastHelloReceivedAtMs = clock.NowMs;
        bool changed = false;

        if (hello.CurrentEpoch > epochs.Current && EpochRules.Accepts(effects, epochs, hello.CurrentEpoch, $"the hello of sentinel {peer.Name}"))
        {
            epochs.Current = hello.CurrentEpoch;
            effects.RequestPersist();
            events.Raw(LogLevel.Warning, "+new-epoch", master, epochs.Current.ToString(CultureInfo.InvariantCulture));
            changed = true;
        }

        if (ConfigAdoption.Supersedes(master, hello.MasterConfigEpoch, hello.MasterHost, hello.MasterPort)
            && EpochRules.Accepts(effects, epochs, hello.MasterConfigEpoch, $"the config-epoch of '{master.Name}' in the hello of sentinel {peer.Name}"))
        {
            adoption.OnNewerConfigEpoch(master, peer, hello.MasterHost, hello.MasterPort, hello.MasterConfigEpoch);
            changed = true;
        }
        return changed ? master : null;
    }
}
