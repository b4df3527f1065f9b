using System.Globalization;
using Vigil.Resp;

namespace Vigil.Integration.Infrastructure;

/// <summary>
/// The layout every Sentinel user runs, on one machine: three "boxes", loopback addresses 127.0.0.2-4, each with a
/// redis-server and a Vigil bound there, outgoing connections included (<c>bind-source-addr</c>), so traffic between
/// boxes has distinct source and destination addresses and a <see cref="PacketFilter"/> can cut one box off. The
/// master starts on box 0; the test process itself talks to every box from 127.0.0.1, which no cut touches.
/// </summary>
public sealed class ThreeBoxes : IAsyncDisposable
{
    public static readonly string[] Addresses = ["127.0.0.2", "127.0.0.3", "127.0.0.4"];
    public const string MasterName = "mymaster";

    private readonly List<RunningNode> _nodes = [];
    private readonly List<SentinelEvents> _subscriptions = [];

    public TempDir Dir { get; } = new();
    public PacketFilter Filter { get; } = new();
    public int RedisPort { get; } = FreePort.Next();
    public int SentinelPort { get; } = FreePort.Next();
    public RunningNode[] Redis { get; } = new RunningNode[3];
    public RunningNode[] Sentinels { get; } = new RunningNode[3];
    public SentinelEvents[] Events { get; } = new SentinelEvents[3];

    public static IEnumerable<string> Others(string address) => Addresses.Where(a => a != address);

    public async Task StartAsync(int downAfterMs, params string[] extraSentinelLines)
    {
        for (int i = 0; i < 3; i++)
        {
            string[] follow = i == 0 ? [] : ["--replicaof", Addresses[0], Port(RedisPort)];
            Redis[i] = await StartRedisAsync(i, follow);
        }
        for (int i = 0; i < 3; i++)
        {
            string box = Addresses[i];
            var dir = Directory.CreateDirectory(Path.Combine(Dir.Path, $"sentinel-{i}")).FullName;
            var config = Path.Combine(dir, "sentinel.conf");
            File.WriteAllLines(config,
            [
                $"port {SentinelPort}", $"bind {box}", $"bind-source-addr {box}", "protected-mode no",
                $"sentinel monitor {MasterName} {Addresses[0]} {RedisPort} 2",
                $"sentinel down-after-milliseconds {MasterName} {downAfterMs}",
                $"sentinel failover-timeout {MasterName} 10000",
                .. extraSentinelLines,
            ]);
            var (program, args) = RedisNodes.VigilCommand([config]);
            var process = ManagedProcess.Start(program, args, dir);
            Sentinels[i] = Track(new RunningNode(process, SentinelPort, dir) { ConfigPath = config, Host = box });
        }
        for (int i = 0; i < 3; i++)
        {
            await Sentinels[i].WaitForPingAsync();
            Events[i] = await SentinelEvents.SubscribeAsync(Sentinels[i]);
            _subscriptions.Add(Events[i]);
        }
        // Out of TILT too: a sentinel that stalled while starting on a loaded machine acts on nothing for 30 s.
        await Wait.UntilAsync(SettledAsync, TimeSpan.FromSeconds(70), "every sentinel knowing 2 peers and 2 replicas, out of TILT, replicas in sync");
    }

    /// <summary>Starts box <paramref name="index"/>'s redis-server (again, after a kill: same port and directory, empty).</summary>
    public async Task<RunningNode> StartRedisAsync(int index, params string[] extra)
    {
        string box = Addresses[index];
        var dir = Directory.CreateDirectory(Path.Combine(Dir.Path, $"redis-{index}")).FullName;
        string[] args =
        [
            "--port", Port(RedisPort), "--bind", box, "--bind-source-addr", box, "--protected-mode", "no", "--dir", dir,
            "--save", "", "--appendonly", "no", "--daemonize", "no", "--repl-diskless-sync-delay", "0",
            "--logfile", Path.Combine(dir, "redis.log"), .. extra,
        ];
        var node = Track(new RunningNode(ManagedProcess.Start(RedisNodes.RedisServer, args, dir), RedisPort, dir) { Host = box });
        await node.WaitForPingAsync();
        Redis[index] = node;
        return node;
    }

    /// <summary>The address every sentinel names for the master, or null while they disagree.</summary>
    public async Task<string?> AgreedMasterAsync()
    {
        string? agreed = null;
        foreach (var sentinel in Sentinels)
        {
            await using var client = await sentinel.ConnectAsync();
            if (await client.CallAsync("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MasterName) is not RespArray { Items: [RespBulkString host, ..] }) return null;
            if (agreed is not null && agreed != host.Text) return null;
            agreed = host.Text;
        }
        return agreed;
    }

    /// <summary>The sentinels agree on a master that says so, and the two other nodes replicate from it, link up.</summary>
    public async Task<bool> ConvergedAsync()
    {
        if (await AgreedMasterAsync() is not { } master) return false;
        foreach (var node in Redis)
        {
            string info = await InfoReplicationAsync(node);
            bool ok = node.Host == master
                ? info.Contains("role:master", StringComparison.Ordinal)
                : info.Contains($"master_host:{master}", StringComparison.Ordinal) && info.Contains("master_link_status:up", StringComparison.Ordinal);
            if (!ok) return false;
        }
        return true;
    }

    public static async Task<string> InfoReplicationAsync(RunningNode node)
    {
        await using var client = await node.ConnectAsync();
        return await client.CallAsync("INFO", "replication") is RespBulkString info ? info.Text : "";
    }

    /// <summary>Every event of every sentinel so far, for failure messages.</summary>
    public string Describe() => string.Join("\n", Enumerable.Range(0, 3).Select(i =>
        $"sentinel {Addresses[i]}: " + string.Join("; ", Events[i]?.Timeline.Select(e => $"{e.AtMs} {e.Channel} {e.Message}") ?? [])));

    private async Task<bool> SettledAsync()
    {
        foreach (var sentinel in Sentinels)
        {
            await using var client = await sentinel.ConnectAsync();
            if (await client.CallAsync("SENTINEL", "MASTER", MasterName) is not RespArray reply) return false;
            var fields = Replies.Fields(reply);
            if (Replies.Field(fields, "num-other-sentinels") != "2" || Replies.Field(fields, "num-slaves") != "2") return false;
            if (await client.CallAsync("INFO", "sentinel") is not RespBulkString info || !info.Text.Contains("sentinel_tilt:0", StringComparison.Ordinal)) return false;
        }
        foreach (var replica in Redis.Skip(1))
        {
            if (!(await InfoReplicationAsync(replica)).Contains("master_link_status:up", StringComparison.Ordinal)) return false;
        }
        return true;
    }

    private RunningNode Track(RunningNode node)
    {
        _nodes.Add(node);
        return node;
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        Filter.Dispose();
        foreach (var events in _subscriptions) await events.DisposeAsync();
        foreach (var node in _nodes) node.Dispose();
        Dir.Dispose();
    }
}
