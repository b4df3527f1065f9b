using Vigil.Sentinel.Config;
using Vigil.Sentinel.Events;
using Vigil.Sentinel.Failover;
using Vigil.Sentinel.Links;
using Vigil.Sentinel.State;

namespace Vigil.Sentinel.Monitoring;

/// <summary>Creates, finds, resets and removes records, keeping their links' reference counts right.</summary>
internal sealed class Topology(CoreSettings settings, CoreClock clock, EffectQueue effects, MonitorState monitored, AddressResolver resolver, LinkManager links, EventEmitter events)
{
    public MasterRecord? CreateMaster(string name, string host, int port, MasterSettings settings, out AddressError error)
    {
        var address = resolver.Create(host, port, acceptUnresolved: true, out error);
        if (address is null) return null;
        if (monitored.Masters.ContainsKey(name))
        {
            error = AddressError.None;
            return null;
        }
        var master = new MasterRecord(name, address, links.LinkFor(InstanceKind.Master, null), settings, clock.NowMs)
        {
            RoleReported = ReportedRole.Master,
            LastHelloPublishedAtMs = clock.NowMs,
        };
        LinkManager.Attach(master);
        monitored.Masters.Add(name, master);
        return master;
    }

    /// <summary>
    /// A new replica record named by its announced address; null if the address is unusable or known. Unlike the
    /// reference, a hostname that never resolved is not made a replica named after an empty IP (<c>:port</c>, a
    /// name no one can use) without <c>announce-hostnames</c>: it is learned once the name resolves.
    /// </summary>
    public ReplicaRecord? CreateReplica(MasterRecord master, string host, int port)
    {
        var address = resolver.Create(host, port, acceptUnresolved: true, out _);
        if (address is null) return null;
        if (address.Ip.Length == 0 && !settings.AnnounceHostnames) return null;
        string name = address.AnnouncedWithPort(settings.AnnounceHostnames);
        if (master.Replicas.ContainsKey(name)) return null;
        if (master.Replicas.Count >= Limits.MaxReplicasPerMaster)
        {
            effects.Log(LogLevel.Warning, $"Not adding replica {name} of '{master.Name}': {Limits.MaxReplicasPerMaster} replicas known already");
            return null;
        }
        var replica = new ReplicaRecord(name, address, links.LinkFor(InstanceKind.Slave, null), master, clock.NowMs)
        {
            RoleReported = ReportedRole.Slave,
            LastHelloPublishedAtMs = clock.NowMs,
        };
        LinkManager.Attach(replica);
        master.Replicas.Add(name, replica);
        return replica;
    }

    public ReplicaRecord? FindReplica(MasterRecord master, string host, int port)
    {
        var address = resolver.Create(host, port, acceptUnresolved: false, out _);
        if (address is null) return null;
        return master.Replicas.GetValueOrDefault(address.AnnouncedWithPort(settings.AnnounceHostnames));
    }

    /// <summary>An admitted peer record (from the saved state or the config) named by its run id, sharing the link of the same peer under other masters.</summary>
    public PeerRecord? CreatePeer(MasterRecord master, string runId, string host, int port)
    {
        var address = resolver.Create(host, port, acceptUnresolved: true, out _);
        if (address is null) return null;
        if (master.Peers.ContainsKey(runId)) return null;
        if (master.Peers.Count >= Limits.MaxPeersPerMaster)
        {
            effects.Log(LogLevel.Warning, $"Not adding sentinel {runId} of '{master.Name}': {Limits.MaxPeersPerMaster} sentinels known already");
            return null;
        }
        var peer = new PeerRecord(runId, address, links.LinkFor(InstanceKind.Sentinel, runId), master, clock.NowMs)
        {
            RunId = runId,
            LastHelloPublishedAtMs = clock.NowMs,
            IsAdmitted = true,
        };
        LinkManager.Attach(peer);
        master.Peers.Add(runId, peer);
        master.RecountPeersBefore(monitored.MyId);
        return peer;
    }

    /// <summary>The peer of <paramref name="master"/> with this address and run id (either may be null = any).</summary>
    public PeerRecord? FindPeer(MasterRecord master, string? host, int port, string? runId)
    {
        InstanceAddress? address = null;
        if (host is not null)
        {
            address = resolver.Create(host, port, acceptUnresolved: true, out _);
            if (address is null) return null;
        }
        foreach (var peer in master.Peers.Values)
        {
            if (runId is not null && (peer.RunId is null || peer.RunId != runId)) continue;
            if (address is not null && !peer.Address.SameAs(address)) continue;
            return peer;
        }
        return null;
    }

    /// <summary>The master whose record address matches, as <c>is-master-down-by-addr</c> looks it up.</summary>
    public MasterRecord? FindMasterByAddress(string host, int port)
    {
        var address = resolver.Create(host, port, acceptUnresolved: true, out _);
        if (address is null) return null;
        foreach (var master in monitored.Masters.Values)
        {
            if (master.Address.SameAs(address)) return master;
        }
        return null;
    }

    public int RemovePeersWithRunId(MasterRecord master, string runId)
    {
        int removed = 0;
        foreach (var peer in master.Peers.Values.ToList())
        {
            if (peer.RunId != runId) continue;
            master.Peers.Remove(peer.Name);
            links.Release(peer);
            removed++;
        }
        master.RecountPeersBefore(monitored.MyId);
        return removed;
    }

    public void DropClaims(MasterRecord master)
    {
        foreach (var claim in master.PeerClaims.Values) links.Release(claim);
        master.PeerClaims.Clear();
    }

    public void RemoveMaster(MasterRecord master)
    {
        monitored.Masters.Remove(master.Name);
        foreach (var replica in master.Replicas.Values) links.Release(replica);
        foreach (var peer in master.Peers.Values) links.Release(peer);
        master.Replicas.Clear();
        master.Peers.Clear();
        master.RecountPeersBefore(monitored.MyId);
        DropClaims(master);
        links.Release(master);
    }

    /// <summary>
    /// Forgets what was learned about a master (compatibility-rules §8.4): replicas, optionally peers, flags, vote, failover state,
    /// run id; closes its connections and restarts its timers. The SDOWN/ODOWN since-times survive.
    /// </summary>
    public void ResetMaster(MasterRecord master, bool keepPeers, bool generateEvent)
    {
        foreach (var replica in master.Replicas.Values) links.Release(replica);
        master.Replicas.Clear();
        if (!keepPeers)
        {
            foreach (var peer in master.Peers.Values) links.Release(peer);
            master.Peers.Clear();
            master.RecountPeersBefore(monitored.MyId);
            DropClaims(master);
            master.MonitoringStartedAtMs = clock.NowMs;
        }
        else
        {
            // Their answers were about the address being left behind.
            foreach (var peer in master.Peers.Values) peer.SaysMasterDown = false;
        }
        // A planned switchover holds the master's writes: release them before the connection goes. A fenced master
        // is released only by a RESET: after a switch it is the old master, and its lease lapses by itself.
        if (master.Switchover is not null || (master.Fence.Engaged && !keepPeers)) links.Send(master, ReplyKind.Discard, "CLIENT", "UNPAUSE");
        Fencing.WriteFence.Forget(master, events, keepPeers ? "the master switched to a new address" : "reset");
        links.CloseAll(master.Link);

        master.IsSubjectivelyDown = false;
        master.IsObjectivelyDown = false;
        master.ScriptKillSent = false;
        master.RebootDetected = false;
        master.Failover = null;
        master.ForcedFailoverDeferred = false;
        master.DeferredFailoverCoordinated = false;
        master.Leader = null;
        master.FailoverStartedAtMs = 0; // may fail over again at once
        master.FailoverWaitSinceMs = 0;
        master.FailoverStepRequested = false;
        master.Switchover = null;
        master.PendingAdoption = null;
        master.RunId = null;
        master.ReportedMasterHost = null;
        master.Link.ResetTimers(clock.NowMs);
        master.RoleReportedAtMs = clock.NowMs;
        master.RoleReported = ReportedRole.Master;
        if (generateEvent) events.About(LogLevel.Warning, "+reset-master", master);
    }
}
