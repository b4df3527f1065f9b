using Vigil.Sentinel.Config;
using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.State;

/// <summary>
/// The hostnames a core started from this config and saved state will make addresses of at once (its masters,
/// known replicas and known sentinels), when <c>resolve-hostnames</c> is in force. The host resolves them before it
/// builds the core and hands the answers over in <see cref="CoreOptions.ResolvedHostnames"/>: the records are then
/// named and reached as the reference, which resolves while it loads, names and reaches them.
/// </summary>
public static class StartupHostnames
{
    public static IReadOnlyList<string> Of(SentinelConfig config, SentinelState? persisted)
    {
        var merged = StateMerger.Merge(config, persisted);
        if (!merged.Sentinel.ResolveHostnames) return [];
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var master in merged.Masters)
        {
            Add(master.Address.Host);
            foreach (var replica in master.KnownReplicas) Add(replica.Host);
            foreach (var peer in master.KnownSentinels) Add(peer.Host);
        }
        return [.. names];

        void Add(string host)
        {
            if (host.Length > 0 && !AddressResolver.TryParseIpLiteral(host, out _)) names.Add(host);
        }
    }
}
