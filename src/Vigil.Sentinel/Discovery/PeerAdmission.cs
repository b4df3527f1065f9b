using System.Globalization;
using Vigil.Resp;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.Events;
using Vigil.Sentinel.Links;
using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Discovery;

/// <summary>
/// Peers are admitted, not believed. A hello naming a sentinel (run id, address) that no admitted peer of the master
/// matches only opens a claim. The claim is checked over our own connection to the announced address (one per run id
/// and address, shared by that sentinel's claims and admitted records under every master), which must answer
/// <c>SENTINEL MYID</c> with that run id and <c>SENTINEL GET-MASTER-ADDR-BY-NAME &lt;master&gt;</c> with an address
/// (it watches the master). Both redis-sentinel and Vigil answer these. Then the claim becomes a peer: listed, saved,
/// counted as a voter and a confirmer, its epochs adopted and its vote requests honoured.
/// </summary>
/// <remarks>
/// Admission moves or replaces a known peer only then: a run id at a new address moves the peer
/// (<c>+sentinel-address-switch</c>) and a new run id at a known peer's address replaces it
/// (<c>+sentinel-invalid-addr</c>), each once the new claim answered. A claim that cannot be reached, answers another
/// run id, does not watch the master, or has not answered within <see cref="Limits.PeerClaimCheckMs"/> is dropped;
/// the peer's next hello (every 2 s) opens a new one. At most <see cref="Limits.MaxPeerClaimsPerMaster"/> claims are
/// open per master. The cost: a real sentinel we cannot reach is not counted until we can.
/// </remarks>
internal sealed class PeerAdmission(CoreSettings settings, CoreClock clock, EffectQueue effects, MonitorState monitored, AddressResolver resolver, LinkManager links, Topology topology, EventEmitter events)
{
    /// <summary>
    /// Masters other than the claim's own whose records the last admissions removed or moved (to be touched by the
    /// core, which clears the list). Only these: an answer that admits nothing, or admits a sentinel no other master
    /// knows at another address, changes no other master.
    /// </summary>
    public List<MasterRecord> OtherMastersChanged { get; } = [];

    public static string ClaimKey(string runId, InstanceAddress address) =>
        string.Create(CultureInfo.InvariantCulture, $"{runId} {address.Hostname}:{address.Port}");

    /// <summary>A hello named <paramref name="runId"/> at this address and no admitted peer matches both.</summary>
    public void Claim(MasterRecord master, string runId, string host, int port)
    {
        var address = resolver.Create(host, port, acceptUnresolved: true, out _);
        if (address is null || address.Port <= 0) return;
        string key = ClaimKey(runId, address);
        if (master.PeerClaims.ContainsKey(key)) return;
        if (master.PeerClaims.Count >= Limits.MaxPeerClaimsPerMaster)
        {
            effects.Log(LogLevel.Verbose,
                $"Not checking sentinel {runId} at {host}:{port} for '{master.Name}': {Limits.MaxPeerClaimsPerMaster} claims are being checked");
            return;
        }
        // Our own link to the announced address, never one of another run id or address: shared only with the claims and
        // the admitted records of the same run id at the same address, where the same questions reach the same process.
        var link = LinkForClaim(key, runId, address);
        bool fresh = link.Users.Count == 0;
        var claim = new PeerRecord(runId, address, link, master, clock.NowMs)
        {
            RunId = runId,
            LastHelloPublishedAtMs = clock.NowMs,
        };
        LinkManager.Attach(claim);
        master.PeerClaims.Add(key, claim);
        effects.Log(LogLevel.Verbose, $"Sentinel {runId} at {host}:{port} announced for '{master.Name}': checking it");
        if (link.Command is { IsUp: true })
        {
            Ask(claim);
            return;
        }
        if (!fresh) return; // the connection is being opened: its claims are asked once it is up
        // Connect now rather than a ping period from now: a real peer is admitted within a round trip of its hello.
        claim.Link.LastReconnectAtMs = clock.NowMs - settings.Timings.PingPeriodMs;
        links.Reconnect(claim);
    }

    /// <summary>
    /// The link of another claim of the same run id at the same address (under another master), else that of the
    /// admitted peer of that run id at that address, else a new one. A sentinel announces itself for every master it
    /// watches within milliseconds: at 1,000 masters a link per claim was 1,000 connections opened to each peer at once.
    /// </summary>
    private InstanceLink LinkForClaim(string key, string runId, InstanceAddress address)
    {
        foreach (var other in monitored.Masters.Values)
        {
            if (other.PeerClaims.TryGetValue(key, out var claim) && !claim.IsRemoved) return claim.Link;
        }
        return AdmittedAt(runId, address)?.Link ?? new InstanceLink(wantsPubSub: false, clock.NowMs);
    }

    /// <summary>An admitted record of this run id at this address, under any master.</summary>
    private PeerRecord? AdmittedAt(string runId, InstanceAddress address)
    {
        foreach (var peer in monitored.PeersWithRunId(runId))
        {
            if (!peer.IsRemoved && peer.Address.SameAs(address)) return peer;
        }
        return null;
    }

    /// <summary>Drops a claim past its time, otherwise (re)opens its connection.</summary>
    public void Tick(PeerRecord claim)
    {
        if (clock.NowMs - claim.ClaimedAtMs > Limits.PeerClaimCheckMs)
        {
            Drop(claim, LogLevel.Verbose, "no answer in time");
            return;
        }
        links.Reconnect(claim);
    }

    public long DueAt(PeerRecord claim) =>
        Math.Min(claim.ClaimedAtMs + Limits.PeerClaimCheckMs + 1, links.ReconnectDueAt(claim));

    /// <summary>The claims being checked over this connection (none for most).</summary>
    public List<PeerRecord> ClaimsOn(LinkId id)
    {
        var claims = new List<PeerRecord>();
        if (links.Find(id) is not { Role: LinkRole.Command } connection) return claims;
        foreach (var user in connection.Owner.Users)
        {
            if (user is PeerRecord { IsAdmitted: false, IsRemoved: false } claim) claims.Add(claim);
        }
        return claims;
    }

    /// <summary>The claim's command connection is up (AUTH and PING already sent): ask who it is and what it watches.</summary>
    public void Ask(PeerRecord claim)
    {
        links.Send(claim, ReplyKind.PeerIdentity, "SENTINEL", "MYID");
        links.Send(claim, ReplyKind.PeerWatchesMaster, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", claim.Master.Name);
    }

    /// <summary>The claim's connection closed (or could not be made) before it was admitted.</summary>
    public void OnClosed(PeerRecord claim) => Drop(claim, LogLevel.Verbose, "not reachable");

    public void OnIdentityReply(PeerRecord claim, RespValue reply)
    {
        if (claim.IsAdmitted) return;
        if (reply is RespBulkString { Text: var id } && string.Equals(id, claim.Name, StringComparison.Ordinal))
        {
            claim.AnsweredAsRunId = true;
            AdmitIfChecked(claim);
            return;
        }
        string said = reply is RespBulkString bulk ? $"run id {bulk.Text}" : "no run id";
        Drop(claim, LogLevel.Notice, $"it answered with {said}");
    }

    public void OnWatchReply(PeerRecord claim, RespValue reply)
    {
        if (claim.IsAdmitted) return;
        if (reply is RespArray { Items: [RespBulkString, RespBulkString] })
        {
            claim.AnsweredAsWatcher = true;
            AdmitIfChecked(claim);
            return;
        }
        Drop(claim, LogLevel.Notice, "it does not watch this master");
    }

    private void Drop(PeerRecord claim, LogLevel level, string reason)
    {
        var master = claim.Master;
        master.PeerClaims.Remove(ClaimKey(claim.Name, claim.Address));
        links.Release(claim);
        effects.Log(level, $"Sentinel {claim.Name} at {claim.Address.Hostname}:{claim.Address.Port} not admitted for '{master.Name}': {reason}");
    }

    private void AdmitIfChecked(PeerRecord claim)
    {
        if (!claim.AnsweredAsRunId || !claim.AnsweredAsWatcher) return;
        var master = claim.Master;
        master.PeerClaims.Remove(ClaimKey(claim.Name, claim.Address));

        // Another run id answered at this address before: that sentinel restarted with a new id, the old one is gone.
        foreach (var other in master.Peers.Values.ToList())
        {
            if (other.Name == claim.Name || !other.Address.SameAs(claim.Address)) continue;
            events.About(LogLevel.Notice, "+sentinel-invalid-addr", other);
            foreach (var anyMaster in monitored.Masters.Values.ToList())
            {
                if (topology.RemovePeersWithRunId(anyMaster, other.Name) > 0 && anyMaster != master) OtherMastersChanged.Add(anyMaster);
            }
        }

        int moved = topology.RemovePeersWithRunId(master, claim.Name);
        if (moved == 0 && master.Peers.Count >= Limits.MaxPeersPerMaster)
        {
            links.Release(claim);
            effects.Log(LogLevel.Warning, $"Not adding sentinel {claim.Name} of '{master.Name}': {Limits.MaxPeersPerMaster} sentinels known already");
            return;
        }
        claim.IsAdmitted = true;
        claim.LastHelloReceivedAtMs = clock.NowMs;
        ShareLinkWithSamePeer(claim);
        master.Peers.Add(claim.Name, claim);
        master.RecountPeersBefore(monitored.MyId);
        if (moved == 0)
        {
            events.About(LogLevel.Notice, "+sentinel", claim);
        }
        else
        {
            events.About(LogLevel.Notice, "+sentinel-address-switch", master,
                $" ip {claim.Address.Hostname} port {claim.Address.Port.ToString(CultureInfo.InvariantCulture)} for {claim.Name}");
            MoveInOtherMasters(claim);
        }
        // A new peer is discovery; an address switch moves records under other masters too: saved at once.
        if (moved == 0) effects.RequestDiscoveryPersist();
        else effects.RequestPersist();
    }

    /// <summary>
    /// The same sentinel, at the same address, already admitted under another master: one link (one PING stream) serves
    /// all its records, as for peers loaded from the state.
    /// </summary>
    private void ShareLinkWithSamePeer(PeerRecord admitted)
    {
        if (AdmittedAt(admitted.Name, admitted.Address) is not { } same || same.Link == admitted.Link) return;
        // The claim's link may still carry other claims of the same sentinel, or a record admitted over it before records
        // of that run id moved to this address on links of their own: it is closed only when nobody else uses it.
        admitted.Link.Users.Remove(admitted);
        if (admitted.Link.Users.Count == 0) links.CloseAll(admitted.Link);
        admitted.Link = same.Link;
        LinkManager.Attach(admitted);
    }

    /// <summary>
    /// The run id answered at its new address: its records under the other masters move there too (their links are
    /// closed and reopen to the new address).
    /// </summary>
    private void MoveInOtherMasters(PeerRecord moved)
    {
        int updated = 0;
        foreach (var match in monitored.PeersWithRunId(moved.Name).ToList())
        {
            if (match == moved) continue;
            links.CloseAll(match.Link);
            match.Address = moved.Address;
            // The closed link is shared by this run id's records only, each of them a match.
            OtherMastersChanged.Add(match.OwningMaster);
            updated++;
        }
        if (updated > 0)
        {
            events.About(LogLevel.Notice, "+sentinel-address-update", moved,
                $" {updated.ToString(CultureInfo.InvariantCulture)} additional matching instances");
        }
    }
}
