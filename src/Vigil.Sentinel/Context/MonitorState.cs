using Vigil.Sentinel.Monitoring;
using Vigil.Sentinel.State;

namespace Vigil.Sentinel;

/// <summary>What this sentinel monitors: its own id, the masters with their replicas and peers, and the config
/// masters removed at run time.</summary>
internal sealed class MonitorState(Random random)
{
    public string MyId { get; set; } = "";

    public OrderedDictionary<string, MasterRecord> Masters { get; } = new(StringComparer.Ordinal);

    /// <summary>Config masters removed at run time (kept so they stay removed across restarts).</summary>
    public List<RemovedMaster> RemovedMasters { get; } = [];

    /// <summary>40 random lower-case hex characters from the seeded generator.</summary>
    public string NewRunId()
    {
        Span<char> chars = stackalloc char[Limits.RunIdLength];
        const string hex = "0123456789abcdef";
        for (int i = 0; i < chars.Length; i++) chars[i] = hex[random.Next(16)];
        return new string(chars);
    }

    public IEnumerable<PeerRecord> PeersWithRunId(string runId)
    {
        foreach (var master in Masters.Values)
        {
            if (master.Peers.TryGetValue(runId, out var peer)) yield return peer;
        }
    }
}
