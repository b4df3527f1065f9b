using System.Globalization;
using Vigil.Integration.Infrastructure;
using Vigil.Resp;

namespace Vigil.Integration.Monitoring;

/// <summary>
/// Sentinels started at different moments ping a master on one beat, the wall clock's quarter seconds, each shifted
/// by its rank among the master's sentinels (0, a third and two thirds of the slot for three), so that a freeze is
/// first probed by the quorum's second member within two thirds of a slot; and a sentinel never sees a healthy master
/// SDOWN while it starts, even with down-after as short as the ping period.
/// </summary>
public sealed class CommonBeatTests : IAsyncLifetime
{
    private const long SlotMs = 250;
    private readonly TempDir _dir = new();
    private readonly List<RunningNode> _nodes = [];
    private RunningNode _master = null!;

    public async Task InitializeAsync() => _master = Track(await RedisNodes.StartRedisAsync(_dir));

    private RunningNode Track(RunningNode node)
    {
        _nodes.Add(node);
        return node;
    }

    public Task DisposeAsync()
    {
        foreach (var node in _nodes) node.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private string[] Config(int quorum) =>
    [
        $"sentinel monitor mymaster 127.0.0.1 {_master.Port.ToString(CultureInfo.InvariantCulture)} {quorum.ToString(CultureInfo.InvariantCulture)}",
        "sentinel down-after-milliseconds mymaster 1000",
    ];

    private async Task<long> PingCallsAsync()
    {
        // cmdstat_ping:calls=N,usec=...
        var stats = await Topology.InfoAsync(_master, "commandstats");
        return stats.TryGetValue("cmdstat_ping", out var ping)
            ? long.Parse(ping.Split(',')[0]["calls=".Length..], CultureInfo.InvariantCulture)
            : 0;
    }

    [Fact]
    public async Task ASentinelStartingBesideAHealthyMasterWithDownAfterOfOneSecondSeesNoSdown()
    {
        // Quorum 1: an SDOWN would be an ODOWN too, and a failover of a healthy master.
        var sentinel = Track(await RedisNodes.StartVigilAsync(_dir, Config(quorum: 1)));
        await Wait.UntilAsync(async () => await PingCallsAsync() >= 10, TimeSpan.FromSeconds(20), "ten PINGs answered by the master");

        Assert.Contains("+monitor master mymaster", sentinel.Process.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("+sdown", sentinel.Process.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("+odown", sentinel.Process.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SentinelsStartedApartPingTheMasterOnThirdsOfTheWallClocksQuarterSeconds()
    {
        var sentinels = new List<RunningNode>();
        for (var i = 0; i < 3; i++) sentinels.Add(Track(await RedisNodes.StartVigilAsync(_dir, Config(quorum: 2))));
        // The phase follows the rank among the sentinels a sentinel knows: measured once all know each other.
        await Topology.WaitForDiscoveryAsync(sentinels, peers: 2, replicas: 0, TimeSpan.FromSeconds(30));

        // The master's MONITOR stamps each command with its own clock (the same machine's) and the sender's address.
        await using var monitor = await _master.ConnectAsync();
        Assert.IsType<RespSimpleString>(await monitor.CallAsync("MONITOR"));
        var pingsBySender = new Dictionary<string, List<long>>();
        while (pingsBySender.Count < 3 || pingsBySender.Values.Any(times => times.Count < 10))
        {
            var line = ((RespSimpleString)await monitor.ReadAsync(TimeSpan.FromSeconds(20))).Text;
            // 1765098000.123456 [0 127.0.0.1:54321] "PING"
            if (!line.EndsWith("\"PING\"", StringComparison.Ordinal)) continue;
            var stamp = decimal.Parse(line[..line.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            var sender = line.Split(' ')[2].TrimEnd(']');
            if (!pingsBySender.TryGetValue(sender, out var times)) pingsBySender[sender] = times = [];
            times.Add((long)(stamp * 1000));
        }

        // Each sentinel sends on the slots of its own clock; started apart, their phases would differ by whatever their
        // start times did. On the common beat each sends within a few milliseconds after its third of a quarter second.
        var medians = pingsBySender.Values
            .Select(times => times.Select(t => t % SlotMs).Order().ToList())
            .Select(offsets => offsets[offsets.Count / 2])
            .Order()
            .ToList();
        string seen = string.Join(", ", pingsBySender.Select(p => $"{p.Key}: {string.Join(' ', p.Value.Select(t => t % SlotMs))}"));
        Assert.Equal(3, medians.Count);
        for (int rank = 0; rank < 3; rank++)
        {
            long expected = SlotMs * rank / 3;
            Assert.True(medians[rank] >= expected && medians[rank] <= expected + 40,
                $"rank {rank} pings {medians[rank]} ms after a quarter second, expected {expected} to {expected + 40} ({seen})");
        }
    }
}
