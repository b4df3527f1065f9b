using Vigil.Sentinel.Commands;
using Vigil.Sentinel.Failover;
using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Observation;

/// <summary>Copies the records into a <see cref="SentinelObservation"/>; reads only.</summary>
internal static class ObservationBuilder
{
    public static SentinelObservation Build(CoreSettings settings, CoreClock clock, Epochs epochs, TiltState tilt, MonitorState monitored, int runningScripts, int queuedScripts)
    {
        long now = clock.NowMs;
        bool hostnames = settings.AnnounceHostnames;
        var masters = new List<MasterObservation>(monitored.Masters.Count);
        foreach (var master in monitored.Masters.Values)
        {
            var replicas = new List<ReplicaObservation>(master.Replicas.Count);
            foreach (var replica in master.Replicas.Values)
            {
                long? lag = master.MasterReplOffset is { } masterOffset && replica.InfoRefreshedAtMs != 0
                    ? (long)masterOffset - (long)replica.SlaveReplOffset
                    : null;
                replicas.Add(new ReplicaObservation(replica.Name, replica.Address.Announced(hostnames), replica.Address.Port,
                    InstanceObjects.Flags(replica), replica.IsSubjectivelyDown, replica.SlaveReplOffset, lag,
                    replica.MasterLinkUp, replica.MasterLinkDownTimeMs, replica.SlavePriority,
                    now - replica.Link.LastAvailableAtMs, replica.Link.LastRoundTripMs));
            }
            var peers = new List<PeerObservation>(master.Peers.Count);
            foreach (var peer in master.Peers.Values)
            {
                peers.Add(new PeerObservation(peer.Name, peer.Address.Announced(hostnames), peer.Address.Port,
                    InstanceObjects.Flags(peer), peer.IsSubjectivelyDown, Admitted: true, now - peer.LastHelloReceivedAtMs,
                    now - peer.Link.LastAvailableAtMs, peer.Link.LastRoundTripMs, peer.Leader, peer.LeaderEpoch));
            }
            string status = master.IsObjectivelyDown ? "odown" : master.IsSubjectivelyDown ? "sdown" : "ok";
            masters.Add(new MasterObservation(master.Name, master.Address.Announced(hostnames), master.Address.Port, status,
                InstanceObjects.Flags(master), master.Settings.Quorum, master.ConfigEpoch,
                master.FailoverInProgress ? master.FailoverState.Wire() : null, master.MasterReplOffset,
                now - master.Link.LastAvailableAtMs, master.Link.LastRoundTripMs, replicas, peers));
        }
        return new SentinelObservation(monitored.MyId, epochs.Current, tilt.Active, runningScripts, queuedScripts,
            clock.ToHostMs(now), masters);
    }
}
