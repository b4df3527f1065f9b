using Vigil.Resp;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.Events;
using Vigil.Sentinel.Failover;
using Vigil.Sentinel.Links;
using Vigil.Sentinel.Monitoring;
using Vigil.Sentinel.Text;

namespace Vigil.Sentinel.Discovery;

/// <summary>
/// Step 4 of hello processing (compatibility-rules §4.3, §8.2): a known peer announces a master configuration with a higher
/// config-epoch than ours.
/// </summary>
/// <remarks>
/// The reference acts on the hello alone: the same address only raises the config epoch, another address moves
/// the master (<c>+config-update-from</c>, <c>+switch-master</c>, reset to the new address, client-reconfig-script
/// as observer). Hellos are unauthenticated (compatibility-rules §13.2: one forged PUBLISH moved a whole group), so here a move is a
/// claim to check first:
/// <list type="number">
/// <item>the sender (or another peer announcing the same) must be a peer we reach over our own command link, and
/// must confirm the address when asked <c>SENTINEL GET-MASTER-ADDR-BY-NAME &lt;name&gt;</c> on that link (a forged
/// hello that borrows a real peer's identity is denied by the real peer);</item>
/// <item>the new address must be a replica we know for this master, or the address our master reports (INFO) it
/// replicates from, or else a majority of all the sentinels we know (we cannot vouch, so that many peers) must
/// confirm it.</item>
/// </list>
/// Real sentinels answer GET-MASTER-ADDR-BY-NAME with the address they announce in their hellos, so they pass. A
/// claim not confirmed within <see cref="Limits.AdoptionCheckMs"/> is dropped; the next hello starts a new check.
/// </remarks>
internal sealed class ConfigAdoption(
    CoreClock clock, EffectQueue effects, Epochs epochs, AddressResolver resolver, LinkManager links, EventEmitter events, MasterSwitch masterSwitch)
{
    /// <summary>
    /// A peer's configuration replaces ours when its epoch is higher, or when the epochs are equal and ours came from
    /// our own SENTINEL FAILOVER (made without agreement) or names a higher address than the claim. Equal epochs
    /// with different addresses come only from an operator's failover in a partition cut off from the group's newer
    /// epochs (seeds 423, 26783), and the reference then keeps both configurations for ever, since only a higher
    /// epoch moves a sentinel. The forced side yields at once; sentinels that adopted either copy settle on the lower
    /// address, a total order, so every copy converges.
    /// </summary>
    public static bool Supersedes(MasterRecord master, long configEpoch, string host, int port)
    {
        if (configEpoch != master.ConfigEpoch) return configEpoch > master.ConfigEpoch;
        if (master.ConfigEpochForced) return true;
        var current = master.CurrentAddress;
        int byHost = string.CompareOrdinal(host, current.Hostname);
        return byHost < 0 || (byHost == 0 && port < current.Port);
    }

    public void OnNewerConfigEpoch(MasterRecord master, PeerRecord sender, string masterHost, int masterPort, long configEpoch)
    {
        // Compared with the address we announce: during our failover, from promotion on, that is the promoted replica,
        // and a newer claim naming the record's (old) address is a move, not a mere epoch raise (seed 4084).
        var current = master.CurrentAddress;
        if (masterPort == current.Port && resolver.AddressEqualsHostname(current, masterHost))
        {
            SetConfigEpoch(master, configEpoch);
            effects.RequestPersist();
            return;
        }
        var claimed = resolver.Create(masterHost, masterPort, acceptUnresolved: true, out _);
        if (claimed is null) return;

        long now = clock.NowMs;
        var pending = master.PendingAdoption;
        bool sameClaim = pending is not null && pending.IsOpen(now) && pending.ConfigEpoch == configEpoch
            && pending.Address.SameAs(claimed);
        if (sameClaim)
        {
            pending!.Claimants.Add(sender.Name);
        }
        else
        {
            if (pending is not null && pending.IsOpen(now) && pending.ConfigEpoch > configEpoch) return;
            pending = new PendingAdoption(claimed, configEpoch, sender.Name, now);
            master.PendingAdoption = pending;
            effects.Log(LogLevel.Notice,
                $"Sentinel {sender.Name} announces {master.Name} at {masterHost}:{masterPort} with config-epoch {configEpoch}; checking");
        }

        Ask(master, pending!, sender);
        if (!IsVouchedFor(master, pending!.Address))
        {
            foreach (var peer in master.Peers.Values) Ask(master, pending, peer);
        }
    }

    private void Ask(MasterRecord master, PendingAdoption pending, PeerRecord peer)
    {
        if (pending.Asked.Contains(peer.Name)) return;
        if (links.Send(peer, ReplyKind.MasterAddress, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", master.Name)) pending.Asked.Add(peer.Name);
    }

    /// <summary>A peer's answer: <c>[ip, port]</c> (both bulk) or a null array.</summary>
    public void OnMasterAddressReply(PeerRecord peer, RespValue reply)
    {
        var master = peer.Master;
        if (master.PendingAdoption is not { } pending || !pending.Asked.Remove(peer.Name)) return;
        if (!pending.IsOpen(clock.NowMs))
        {
            master.PendingAdoption = null;
            return;
        }
        if (reply is RespArray { Items: [RespBulkString host, RespBulkString port] }
            && RedisNumbers.TryParseStrict(port.Text, out long portNumber)
            && portNumber == pending.Address.Port
            && resolver.AddressEqualsHostname(pending.Address, host.Text))
        {
            pending.Confirmed.Add(peer.Name);
        }
        string? sender = pending.Claimants.FirstOrDefault(pending.Confirmed.Contains);
        if (sender is null) return;
        bool vouched = IsVouchedFor(master, pending.Address) || VotedFor(master, sender, pending.ConfigEpoch);
        // A majority of the sentinels we know, counting peers' confirmations only (we cannot vouch ourselves); with
        // one peer known that is more than can ever answer, so every peer we know is then enough (seed 502976).
        int needed = vouched ? 1 : Math.Min(master.Peers.Count, (master.Peers.Count + 1) / 2 + 1);
        if (pending.Confirmed.Count < needed) return;
        if (!master.Peers.TryGetValue(sender, out var senderPeer)) return;
        Adopt(master, senderPeer, pending);
    }

    /// <summary>
    /// What we see ourselves makes the address plausible: it is a replica we know, or our master or one of its
    /// replicas reports (INFO) that it replicates from it (an old master already turned into a replica of the new
    /// one, or a replica the failover's leader repointed). The last matters when we never learned the promoted node
    /// as a replica (it was promoted before our first INFO listed it, or the operator's RESET made us forget it):
    /// then the peers that were behind deny the claim, no majority confirms it, and the group stays split for ever
    /// (seeds 446385, 446497).
    /// </summary>
    private bool IsVouchedFor(MasterRecord master, InstanceAddress address) =>
        IsKnownReplica(master, address)
        || Follows(master, address)
        || master.Replicas.Values.Any(replica => Follows(replica, address));

    /// <summary>
    /// We gave the sender our vote in the very epoch its configuration carries: the election we took part in made it
    /// the one sentinel entitled to announce that epoch's configuration, and it has just confirmed the claim on our own
    /// link. Without this, a sentinel that never saw the promoted node listed, among peers that are all behind, denies
    /// the winner's configuration for ever while its own view is the only one left to check against (seeds 428300,
    /// 446497). A vote vouches for one epoch only; an admitted peer that wins our vote can move us within that
    /// epoch, which is what winning it means.
    /// </summary>
    private static bool VotedFor(MasterRecord master, string sender, long configEpoch) =>
        master.Leader == sender && master.LeaderEpoch == configEpoch;

    private bool Follows(DataNodeRecord node, InstanceAddress address) =>
        node.InfoRefreshedAtMs != 0
        && node.RoleReported == ReportedRole.Slave
        && node.ReportedMasterHost is { } host
        && node.ReportedMasterPort == address.Port
        && resolver.AddressEqualsHostname(address, host);

    private bool IsKnownReplica(MasterRecord master, InstanceAddress address)
    {
        foreach (var replica in master.Replicas.Values)
        {
            if (replica.Address.SameAs(address)) return true;
        }
        return false;
    }

    private void Adopt(MasterRecord master, PeerRecord sender, PendingAdoption pending)
    {
        master.PendingAdoption = null;
        if (!Supersedes(master, pending.ConfigEpoch, pending.Address.Hostname, pending.Address.Port)) return; // something newer came meanwhile
        SetConfigEpoch(master, pending.ConfigEpoch);
        var oldAddress = master.CurrentAddress;
        events.About(LogLevel.Warning, "+config-update-from", sender);
        masterSwitch.AnnounceSwitch(master, oldAddress, pending.Address);
        masterSwitch.ResetAndChangeAddress(master, pending.Address);
        masterSwitch.RunClientReconfigScript(master, leader: false, oldAddress, master.Address);
    }

    /// <summary>
    /// A configuration epoch was created by some election, so the current epoch is at least as high: without this, a
    /// hello whose sender's current epoch lags its config epoch would let us ask for votes in an epoch that already
    /// has a configuration.
    /// </summary>
    private void SetConfigEpoch(MasterRecord master, long configEpoch)
    {
        master.ConfigEpoch = configEpoch;
        master.ConfigEpochForced = false;
        if (configEpoch <= epochs.Current) return;
        epochs.Current = configEpoch;
        events.Raw(LogLevel.Warning, "+new-epoch", master, configEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
