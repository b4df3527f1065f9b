using System.Globalization;

namespace Vigil.Proxy;

/// <summary>What the proxy has done since it started; every field is updated with Interlocked.</summary>
public sealed class ProxyCounters
{
    public long ConnectionsAccepted;
    public long ConnectionsActive;
    public long ConnectionsRefused;
    public long MasterSwitches;
    public long FencedConnections;
    public long StalledClientsDropped;
    public long ReplicaConnections;

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"connections_accepted={Interlocked.Read(ref ConnectionsAccepted)} connections_active={Interlocked.Read(ref ConnectionsActive)} " +
        $"connections_refused={Interlocked.Read(ref ConnectionsRefused)} master_switches={Interlocked.Read(ref MasterSwitches)} " +
        $"fenced_connections={Interlocked.Read(ref FencedConnections)} stalled_clients_dropped={Interlocked.Read(ref StalledClientsDropped)} " +
        $"replica_connections={Interlocked.Read(ref ReplicaConnections)}");
}
