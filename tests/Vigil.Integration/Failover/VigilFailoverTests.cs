using System.Globalization;
using Vigil.Integration.Infrastructure;
using Vigil.Resp;

namespace Vigil.Integration.Failover;

/// <summary>
/// The seed scenario: a master and replicas, three Vigil sentinels with quorum 2 and down-after 5000.
/// The master fails; a replica is promoted, every sentinel answers the new address, and the old
/// master, once back, becomes a replica of the new one.
/// </summary>
public sealed class VigilFailoverTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly List<RunningNode> _nodes = [];

    public void Dispose()
    {
        foreach (var node in _nodes) node.Dispose();
        _dir.Dispose();
    }

    private async Task<(RunningNode Master, RunningNode[] Replicas, RunningNode[] Sentinels)> StartGroupAsync(int replicas, params string[] extraConfig)
    {
        var master = await RedisNodes.StartRedisAsync(_dir);
        _nodes.Add(master);
        var replicaNodes = new RunningNode[replicas];
        for (var i = 0; i < replicas; i++)
        {
            replicaNodes[i] = await RedisNodes.StartRedisAsync(_dir, "--replicaof", "127.0.0.1", master.Port.ToString(CultureInfo.InvariantCulture));
            _nodes.Add(replicaNodes[i]);
        }
        // A replica still waiting for its first sync (diskless sync starts after a delay) reports a link that was
        // never up and is rightly not promoted: the scenarios below need synced replicas before the fault.
        await Wait.UntilAsync(async () =>
        {
            foreach (var replica in replicaNodes)
            {
                await using var client = await replica.ConnectAsync();
                if (await client.CallAsync("INFO", "replication") is not RespBulkString info
                    || !info.Text.Contains("master_link_status:up", StringComparison.Ordinal)) return false;
            }
            return true;
        }, TimeSpan.FromSeconds(30), "every replica in sync with the master");
        string[] config =
        [
            $"sentinel monitor mymaster 127.0.0.1 {master.Port} 2",
            "sentinel down-after-milliseconds mymaster 5000",
            "sentinel failover-timeout mymaster 10000",
            .. extraConfig,
        ];
        var sentinels = new RunningNode[3];
        for (var i = 0; i < 3; i++)
        {
            sentinels[i] = await RedisNodes.StartVigilAsync(_dir, config);
            _nodes.Add(sentinels[i]);
        }
        // Replicas linked too: one still in its first sync (the master waits 5 s before a diskless full sync)
        // has never had a working link, and a failover must not promote it.
        await Topology.WaitForDiscoveryAsync(sentinels, peers: 2, replicas, TimeSpan.FromSeconds(20));
        return (master, replicaNodes, sentinels);
    }

    private static async Task<int> MasterPortSeenByAsync(RunningNode sentinel)
    {
        await using var client = await sentinel.ConnectAsync();
        var reply = (RespArray)await client.CallAsync("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster");
        return int.Parse(((RespBulkString)reply.Items[1]).Text, CultureInfo.InvariantCulture);
    }

    private static async Task<string> RoleOfAsync(RunningNode redis)
    {
        var role = await RoleReplyAsync(redis);
        return ((RespBulkString)role.Items[0]).Text;
    }

    private static async Task<int> ReplicatesFromPortAsync(RunningNode redis)
    {
        var role = await RoleReplyAsync(redis);
        return ((RespBulkString)role.Items[0]).Text == "slave" ? (int)((RespInteger)role.Items[2]).Value : -1;
    }

    // A node in DEBUG SLEEP does not answer: give up after a second and let the wait try again.
    private static async Task<RespArray> RoleReplyAsync(RunningNode redis)
    {
        await using var client = await redis.ConnectAsync();
        await client.SendRawAsync("*1\r\n$4\r\nROLE\r\n");
        return (RespArray)await client.ReadAsync(TimeSpan.FromSeconds(1));
    }

    private async Task AssertConvergedAsync(RunningNode[] sentinels, IEnumerable<RunningNode> dataNodes, int oldMasterPort, TimeSpan timeout)
    {
        await Wait.UntilAsync(async () =>
        {
            var ports = new HashSet<int>();
            foreach (var sentinel in sentinels) ports.Add(await MasterPortSeenByAsync(sentinel));
            if (ports.Count != 1) return false;
            var masterPort = ports.Single();
            if (masterPort == oldMasterPort) return false;
            foreach (var node in dataNodes)
            {
                if (node.Process.HasExited) continue;
                if (node.Port == masterPort) { if (await RoleOfAsync(node) != "master") return false; }
                else if (await ReplicatesFromPortAsync(node) != masterPort) return false;
            }
            return true;
        }, timeout, "one new master that every sentinel names and every live replica follows");
    }

    [Fact]
    public async Task SleepingMasterIsReplacedAndRejoinsAsReplica()
    {
        var (master, replicas, sentinels) = await StartGroupAsync(1);
        await using var events = await SentinelEvents.SubscribeAsync(sentinels[0]);
        // The others' events too, so that a failure shows the whole election.
        await using var second = await SentinelEvents.SubscribeAsync(sentinels[1]);
        await using var third = await SentinelEvents.SubscribeAsync(sentinels[2]);
        await using (var client = await master.ConnectAsync())
        {
            await client.SendRawAsync("*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$2\r\n25\r\n");
        }
        try
        {
            await events.WaitForAsync("+switch-master", TimeSpan.FromSeconds(50));
        }
        catch (TimeoutException ex)
        {
            var ids = new List<string>();
            foreach (var sentinel in sentinels) ids.Add(await Topology.RunIdAsync(sentinel));
            throw new TimeoutException(ex.Message + $"; sentinels {string.Join(", ", ids)}; " +
                Topology.Describe([("first", events), ("second", second), ("third", third)]) +
                string.Concat(sentinels.Select((s, i) => $"; sentinel {i + 1} log: {string.Join(" / ", s.Process.Stdout.Split('\n').TakeLast(25))}")), ex);
        }
        Assert.Equal(replicas[0].Port, await MasterPortSeenByAsync(sentinels[0]));
        // The old master wakes up after 30 s and must become a replica of the new one.
        await AssertConvergedAsync(sentinels, [master, .. replicas], master.Port, TimeSpan.FromSeconds(60));
        Assert.Equal(replicas[0].Port, await ReplicatesFromPortAsync(master));
    }

    [Fact]
    public async Task KilledMasterIsReplacedWithThreeReplicasAndParallelSyncsOne()
    {
        var (master, replicas, sentinels) = await StartGroupAsync(3, "sentinel parallel-syncs mymaster 1");
        master.Dispose();
        await AssertConvergedAsync(sentinels, replicas, master.Port, TimeSpan.FromSeconds(60));
    }
}
