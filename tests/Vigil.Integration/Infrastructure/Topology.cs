using System.Globalization;
using Vigil.Resp;

namespace Vigil.Integration.Infrastructure;

/// <summary>
/// What the processes of a group say right now: the master address each sentinel gives, the role and
/// replication link of each Redis, and waits for a group to be assembled. Each query opens its own
/// connection and gives up after a second, so a frozen node makes the caller's wait try again.
/// </summary>
public static class Topology
{
    public const string MasterName = "mymaster";

    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The port a sentinel answers to GET-MASTER-ADDR-BY-NAME.</summary>
    public static async Task<int> MasterPortSeenByAsync(RunningNode sentinel)
    {
        var reply = await CallAsync(sentinel, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MasterName);
        var items = ((RespArray)reply).Items;
        return int.Parse(((RespBulkString)items[1]).Text, CultureInfo.InvariantCulture);
    }

    public static async Task<string> RunIdAsync(RunningNode sentinel) =>
        ((RespBulkString)await CallAsync(sentinel, "SENTINEL", "MYID")).Text;

    /// <summary>The role a Redis reports; for a replica also whom it follows and whether its link is up.</summary>
    public static async Task<NodeRole> RoleAsync(RunningNode redis)
    {
        var info = await InfoAsync(redis, "replication");
        var role = info.GetValueOrDefault("role", "?");
        if (role != "slave") return new NodeRole(role, -1, false);
        var masterPort = int.Parse(info["master_port"], CultureInfo.InvariantCulture);
        return new NodeRole(role, masterPort, info.GetValueOrDefault("master_link_status") == "up");
    }

    /// <summary>The fields of one INFO section as a dictionary.</summary>
    public static async Task<Dictionary<string, string>> InfoAsync(RunningNode node, string section)
    {
        var reply = await CallAsync(node, "INFO", section);
        var text = reply switch
        {
            RespBulkString bulk => bulk.Text,
            RespVerbatimString verbatim => verbatim.Text,
            _ => throw new InvalidOperationException("unexpected INFO reply " + RespText.Render(reply)),
        };
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0) fields[line[..colon]] = line[(colon + 1)..];
        }
        return fields;
    }

    /// <summary>One command on a fresh connection; a node that does not answer within a second throws <see cref="OperationCanceledException"/>.</summary>
    public static async Task<RespValue> CallAsync(RunningNode node, params string[] args)
    {
        await using var client = await node.ConnectAsync();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        RespWriter.WriteCommand(buffer, args);
        await client.SendRawAsync(buffer.WrittenMemory);
        return await client.ReadAsync(QueryTimeout);
    }

    /// <summary>Waits until every sentinel lists the expected numbers of peers and replicas, every replica with its link up.</summary>
    public static Task WaitForDiscoveryAsync(IReadOnlyCollection<RunningNode> sentinels, int peers, int replicas, TimeSpan timeout) =>
        Wait.UntilAsync(async () =>
        {
            foreach (var sentinel in sentinels)
            {
                await using var client = await sentinel.ConnectAsync();
                if (Replies.List(await client.CallAsync("SENTINEL", "SENTINELS", MasterName)).Count != peers) return false;
                var known = Replies.List(await client.CallAsync("SENTINEL", "REPLICAS", MasterName));
                if (known.Count != replicas || known.Any(r => Replies.Field(r, "master-link-status") != "ok")) return false;
            }
            return true;
        }, timeout, $"every sentinel lists {peers} peers and {replicas} linked replicas");

    /// <summary>
    /// Null when the group agrees on one master: exactly one node reports role master, every other live node
    /// replicates from it with its link up, and every live sentinel names it; otherwise what disagrees.
    /// </summary>
    public static async Task<string?> DisagreementAsync(IEnumerable<RunningNode> sentinels, IEnumerable<RunningNode> dataNodes, int expectedMasterPort)
    {
        var roles = new List<string>();
        foreach (var node in dataNodes)
        {
            if (node.Process.HasExited) continue;
            var role = await RoleAsync(node);
            roles.Add($"{node.Port}:{role}");
            if (node.Port == expectedMasterPort ? role.Role != "master" : !role.Follows(expectedMasterPort))
            {
                return $"expected master {expectedMasterPort}; roles so far {string.Join(", ", roles)}";
            }
        }
        foreach (var sentinel in sentinels)
        {
            if (sentinel.Process.HasExited) continue;
            var seen = await MasterPortSeenByAsync(sentinel);
            if (seen != expectedMasterPort) return $"sentinel {sentinel.Port} names {seen}, expected {expectedMasterPort}";
        }
        return null;
    }

    public static string Describe(IEnumerable<(string Name, SentinelEvents Events)> logs) =>
        string.Join("; ", logs.Select(log => $"{log.Name} saw: " + string.Join(" | ", log.Events.All.Select(e => e.Channel + " " + e.Message))));
}

public sealed record NodeRole(string Role, int MasterPort, bool LinkUp)
{
    public bool Follows(int masterPort) => Role == "slave" && MasterPort == masterPort && LinkUp;

    public override string ToString() => Role == "slave" ? $"slave of {MasterPort} link {(LinkUp ? "up" : "down")}" : Role;
}
