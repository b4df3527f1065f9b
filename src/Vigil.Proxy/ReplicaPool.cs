namespace Vigil.Proxy;

/// <summary>
/// The replicas the sentinels report healthy, handed out in turn to connections on the replicas port.
/// A replica that leaves the healthy set has its connections closed, so its readers move to another.
/// </summary>
public sealed class ReplicaPool(ProxyLog log, ConnectionRegistry connections)
{
    private readonly Lock _gate = new();
    private List<Backend> _healthy = [];
    private int _next;

    /// <summary>The next healthy replica in turn; null when there is none.</summary>
    public Backend? Next()
    {
        lock (_gate)
        {
            if (_healthy.Count == 0) return null;
            _next = (_next + 1) % _healthy.Count;
            return _healthy[_next];
        }
    }

    /// <summary>Replaces the healthy set with what a sentinel just reported.</summary>
    public void Update(IReadOnlyList<HostPort> healthy)
    {
        List<Backend> removed;
        List<HostPort> added;
        lock (_gate)
        {
            var kept = _healthy.Where(b => healthy.Contains(b.Address)).ToList();
            removed = _healthy.Where(b => !healthy.Contains(b.Address)).ToList();
            added = healthy.Where(a => !kept.Any(b => b.Address == a)).ToList();
            if (removed.Count == 0 && added.Count == 0) return;
            _healthy = [.. kept, .. added.Select(a => new Backend(a, isMaster: false))];
        }
        foreach (var backend in removed)
        {
            backend.Fence();
            var closed = connections.CloseAll(backend);
            log.Write($"replica {backend.Address} is no longer healthy; closed {closed} read connection{(closed == 1 ? "" : "s")}");
        }
        foreach (var address in added) log.Write($"replica {address} is healthy; read connections go to it");
    }
}
