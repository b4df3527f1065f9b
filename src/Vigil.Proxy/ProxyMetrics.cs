using Vigil.Http.Metrics;

namespace Vigil.Proxy;

/// <summary>
/// The proxy's counters as Prometheus metrics (<c>--http</c>), read from <see cref="ProxyCounters"/> when scraped:
/// forwarding never touches the registry.
/// </summary>
public sealed class ProxyMetrics
{
    public ProxyMetrics(ProxyCounters counters, string masterName)
    {
        ArgumentNullException.ThrowIfNull(counters);
        Registry = new MetricRegistry();
        Counter Total(string name, string help) => Registry.Counter(name, help, "master_name");
        var accepted = Total("vigil_proxy_connections_accepted_total", "Client connections accepted.");
        var refused = Total("vigil_proxy_connections_refused_total", "Client connections refused because no master (or replica) came within the failover wait.");
        var switches = Total("vigil_proxy_master_switches_total", "Times the proxy moved to another confirmed master.");
        var fenced = Total("vigil_proxy_fenced_connections_total", "Connections closed because their master was replaced or stopped reporting role master.");
        var stalled = Total("vigil_proxy_stalled_clients_dropped_total", "Clients dropped for leaving their replies unread.");
        var replica = Total("vigil_proxy_replica_connections_total", "Connections forwarded to a replica (--replicas-listen).");
        var active = Registry.Gauge("vigil_proxy_connections_active", "Client connections being forwarded now.", "master_name");
        Registry.BeforeCollect(() =>
        {
            accepted.IncTo(Interlocked.Read(ref counters.ConnectionsAccepted), masterName);
            refused.IncTo(Interlocked.Read(ref counters.ConnectionsRefused), masterName);
            switches.IncTo(Interlocked.Read(ref counters.MasterSwitches), masterName);
            fenced.IncTo(Interlocked.Read(ref counters.FencedConnections), masterName);
            stalled.IncTo(Interlocked.Read(ref counters.StalledClientsDropped), masterName);
            replica.IncTo(Interlocked.Read(ref counters.ReplicaConnections), masterName);
            active.Set(Interlocked.Read(ref counters.ConnectionsActive), masterName);
        });
    }

    public MetricRegistry Registry { get; }
}
