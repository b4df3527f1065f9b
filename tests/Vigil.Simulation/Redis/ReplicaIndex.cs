namespace Vigil.Simulation.Redis;

/// <summary>
/// Which nodes name which host as their upstream, so a master finds its replicas without looking at every node of
/// the world (with a fleet of thousands of nodes, that look on every INFO and WAIT poll was most of the model's time).
/// Each host's list keeps the world's node order, the order the full scan gave.
/// </summary>
internal sealed class ReplicaIndex
{
    private static readonly List<RedisNode> None = [];

    // Hosts compare as RedisAddress.Matches compares them.
    private readonly Dictionary<string, List<RedisNode>> _byUpstreamHost = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The nodes whose upstream host is <paramref name="host"/> (any port), in world order.</summary>
    public IReadOnlyList<RedisNode> NamingHost(string host) => _byUpstreamHost.GetValueOrDefault(host) ?? None;

    /// <summary><paramref name="node"/>'s upstream changes from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public void Move(RedisNode node, RedisAddress? from, RedisAddress? to)
    {
        if (from is { } old && _byUpstreamHost.TryGetValue(old.Host, out var previous)) previous.Remove(node);
        if (to is not { } next) return;
        if (!_byUpstreamHost.TryGetValue(next.Host, out var list))
        {
            list = [];
            _byUpstreamHost[next.Host] = list;
        }
        int at = list.Count;
        while (at > 0 && list[at - 1].HostId > node.HostId) at--;
        list.Insert(at, node);
    }
}
