using Vigil.Resp;
using Vigil.Simulation.Redis;

namespace Vigil.Simulation.World;

/// <summary>
/// Invariant 5 (liveness), checked once every fault is healed: every sentinel names the same master for each
/// group, that node is up and a master, every other node of the group replicates from it, every sentinel knows
/// every other sentinel and every replica, and nobody flags anything SDOWN or ODOWN.
/// </summary>
internal static class LivenessCheck
{
    /// <summary>Null when converged; else the first thing still wrong.</summary>
    public static string? Check(SimWorld world)
    {
        for (int g = 0; g < world.Scenario.GroupCount; g++)
        {
            string? problem = CheckGroup(world, g);
            if (problem is not null) return problem;
        }
        return null;
    }

    /// <summary>The master every sentinel names for the group, or null if they do not agree.</summary>
    public static RedisNode? AgreedMaster(SimWorld world, int group)
    {
        RedisNode? agreed = null;
        foreach (var sentinel in world.Sentinels)
        {
            if (sentinel.Execute("get-master-addr-by-name", world.Scenario.MasterNames[group]) is not RespArray { Items: [RespBulkString ip, RespBulkString port] })
            {
                return null;
            }
            var node = world.FindRedis(ip.Text, int.Parse(port.Text, System.Globalization.CultureInfo.InvariantCulture));
            if (node is null || (agreed is not null && node != agreed)) return null;
            agreed = node;
        }
        return agreed;
    }

    private static string? CheckGroup(SimWorld world, int group)
    {
        string name = world.Scenario.MasterNames[group];
        if (IslandsLeftByOperator(world, name)) return null;
        string? agreedAddress = null;
        foreach (var sentinel in world.Sentinels)
        {
            if (!sentinel.Running || sentinel.Paused) return $"{sentinel.Name} is not running";
            var reply = sentinel.Execute("get-master-addr-by-name", name);
            if (reply is not RespArray { Items: [RespBulkString ip, RespBulkString port] }) return $"{sentinel.Name} does not monitor {name}";
            string address = $"{ip.Text}:{port.Text}";
            if (agreedAddress is null) agreedAddress = address;
            else if (agreedAddress != address) return $"sentinels disagree on {name}: {agreedAddress} vs {address} ({sentinel.Name})";
        }
        var master = AgreedMaster(world, group);
        if (master is null || master.Group != group) return $"{name} resolves to {agreedAddress}, not a node of that group";
        if (!master.IsHealthy) return $"master {master.Name} of {name} is not serving (running={master.Running} frozen={master.IsFrozen} loading={master.IsLoading})";
        if (!master.IsMaster) return $"{master.Name}, named master of {name}, is a replica of {master.Upstream}";

        var expectedReplicas = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in world.Redis)
        {
            if (node.Group != group || node == master) continue;
            if (ForgottenByEveryone(world, name, node)) continue;
            expectedReplicas.Add($"{node.Ip}:{node.Port}");
            if (!node.Running) return $"{node.Name} is down";
            if (node.IsMaster) return $"{node.Name} is a second master in {name} (master is {master.Name})";
            if (!node.Upstream!.Value.Matches(master.Ip, master.Port)) return $"{node.Name} replicates from {node.Upstream}, not {master.Name}";
            if (node.LinkState != ReplicationLinkState.Up) return $"{node.Name} replication link is {node.LinkState}";
        }

        foreach (var sentinel in world.Sentinels)
        {
            if (sentinel.Execute("master", name) is not RespMap masterInfo) return $"{sentinel.Name}: SENTINEL MASTER {name} failed";
            string flags = Field(masterInfo, "flags");
            if (flags.Contains("s_down", StringComparison.Ordinal) || flags.Contains("o_down", StringComparison.Ordinal))
            {
                return $"{sentinel.Name} flags master {name} {flags}";
            }
            if (long.TryParse(Field(masterInfo, "config-epoch"), out long configEpoch))
            {
                world.Checker.OnClientView(sentinel, name, configEpoch, agreedAddress!);
            }

            if (sentinel.Execute("replicas", name) is not RespArray replicas) return $"{sentinel.Name}: SENTINEL REPLICAS {name} failed";
            var known = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in replicas.Items.OfType<RespMap>())
            {
                string replicaName = Field(item, "name");
                known.Add(replicaName);
                string replicaFlags = Field(item, "flags");
                if (replicaFlags.Contains("s_down", StringComparison.Ordinal) && expectedReplicas.Contains(replicaName))
                {
                    return $"{sentinel.Name} flags replica {replicaName} of {name} {replicaFlags}";
                }
            }
            if (!expectedReplicas.IsSubsetOf(known))
            {
                return $"{sentinel.Name} knows replicas [{string.Join(' ', known.Order())}] of {name}, expected [{string.Join(' ', expectedReplicas.Order())}]";
            }
            if (known.Except(expectedReplicas).FirstOrDefault(r => r != $"{master.Ip}:{master.Port}") is { } stranger)
            {
                return $"{sentinel.Name} lists {stranger} as a replica of {name}, which is not a node of that group";
            }

            if (sentinel.Execute("sentinels", name) is not RespArray peers) return $"{sentinel.Name}: SENTINEL SENTINELS {name} failed";
            var expectedPeers = world.Sentinels.Where(s => s != sentinel).Select(s => s.MyId).ToHashSet(StringComparer.Ordinal);
            var knownPeers = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in peers.Items.OfType<RespMap>())
            {
                string runId = Field(item, "runid");
                knownPeers.Add(runId);
                string peerFlags = Field(item, "flags");
                if (peerFlags.Contains("s_down", StringComparison.Ordinal)) return $"{sentinel.Name} flags sentinel {runId[..8]} ({name}) {peerFlags}";
            }
            if (!knownPeers.SetEquals(expectedPeers))
            {
                return $"{sentinel.Name} knows {knownPeers.Count} sentinels for {name} [{string.Join(' ', knownPeers.Select(p => p[..Math.Min(8, p.Length)]))}], expected {expectedPeers.Count}";
            }
        }
        return null;
    }

    /// <summary>
    /// Sentinels learn a master's replicas only from its INFO (and keep them in their state). Once the operator made
    /// every sentinel forget the group's nodes (RESET, or REMOVE then MONITOR) while this one was down or cut off, it
    /// can come back as a master nobody knows of, and no sentinel can bring it back (seed 439): as in the reference,
    /// only the operator can, by naming it again. Such a node is left out; a node any sentinel still knows is not. A
    /// sentinel that never listed the node (it discovered the group's replicas only after the node had been promoted
    /// by a failover that then failed) counts as not knowing it, as long as the operator made some sentinel forget it
    /// (seed 812515).
    /// </summary>
    private static bool ForgottenByEveryone(SimWorld world, string name, RedisNode node)
    {
        string address = $"{node.Ip}:{node.Port}";
        bool forgottenByOperator = false;
        foreach (var sentinel in world.Sentinels)
        {
            var track = world.Checker.Track(sentinel);
            bool reset = track.ResetByOperator.Contains(name);
            if (!reset && track.EverListed.Contains($"{name} {address}")) return false;
            forgottenByOperator |= reset;
            if (sentinel.Execute("replicas", name) is not RespArray replicas) return false;
            if (replicas.Items.OfType<RespMap>().Any(r => Field(r, "name") == address)) return false;
        }
        return forgottenByOperator;
    }

    /// <summary>
    /// The operator made every sentinel forget the group (RESET, or REMOVE then MONITOR), and what they know now falls
    /// in islands that share no node and know no sentinel of each other: a sentinel cut off from a failover, then
    /// reset, names the old master and its followers, while the others, reset while the old master was down, know
    /// only the new master and its replicas. Sentinels meet, and learn newer configurations, only through the
    /// instances they both watch, so neither island can ever reach the other; as in the reference, only the operator
    /// can join them again (seed 400389). Not a liveness failure of the core. It is enough that the sentinels on one side
    /// were all reset: the other side may hold a sentinel that was only cut off and restarted.
    /// </summary>
    private static bool IslandsLeftByOperator(SimWorld world, string name)
    {
        var sentinels = world.Sentinels.ToList();
        var knowledge = new List<(HashSet<string> Nodes, HashSet<string> Peers, string Id)>();
        var reset = new List<bool>();
        foreach (var sentinel in sentinels)
        {
            reset.Add(world.Checker.Track(sentinel).ResetByOperator.Contains(name));
            if (!sentinel.Running || sentinel.Paused) return false;
            if (sentinel.Execute("get-master-addr-by-name", name) is not RespArray { Items: [RespBulkString ip, RespBulkString port] }) return false;
            var nodes = new HashSet<string>(StringComparer.Ordinal) { $"{ip.Text}:{port.Text}" };
            if (sentinel.Execute("replicas", name) is not RespArray replicas) return false;
            foreach (var item in replicas.Items.OfType<RespMap>()) nodes.Add(Field(item, "name"));
            if (sentinel.Execute("sentinels", name) is not RespArray peers) return false;
            var peerIds = peers.Items.OfType<RespMap>().Select(p => Field(p, "runid")).ToHashSet(StringComparer.Ordinal);
            knowledge.Add((nodes, peerIds, sentinel.MyId));
        }
        // Grow the island of the first sentinel by shared nodes or known peers; another island is left if it stops short.
        var island = new HashSet<int> { 0 };
        bool grew = true;
        while (grew)
        {
            grew = false;
            for (int i = 0; i < knowledge.Count; i++)
            {
                if (island.Contains(i)) continue;
                bool linked = island.Any(j => knowledge[j].Nodes.Overlaps(knowledge[i].Nodes)
                    || knowledge[j].Peers.Contains(knowledge[i].Id) || knowledge[i].Peers.Contains(knowledge[j].Id));
                if (linked) grew = island.Add(i);
            }
        }
        if (island.Count == knowledge.Count) return false;
        // The operator cut the link when one side is made only of sentinels it reset: they forgot the nodes the
        // other side still watches (a sentinel restarted from a state saved while it was cut off is such a side's
        // counterpart, seed 811124).
        bool islandReset = island.All(i => reset[i]);
        bool restReset = Enumerable.Range(0, knowledge.Count).Where(i => !island.Contains(i)).All(i => reset[i]);
        return islandReset || restReset;
    }

    public static string Field(RespMap map, string name)
    {
        foreach (var (key, value) in map.Entries)
        {
            if (key is RespBulkString k && k.Text == name) return value is RespBulkString v ? v.Text : "";
        }
        return "";
    }
}
