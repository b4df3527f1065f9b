using System.Globalization;
using Vigil.Integration.Infrastructure;
using Vigil.Resp;

namespace Vigil.Integration.Monitoring;

/// <summary>
/// Sentinels started at different moments ping a master on one beat, the wall clock's quarter seconds, so that a
/// frozen master's silence starts at all of them in the same slot; and a sentinel never sees a healthy master SDOWN
/// while it starts, even with down-after as short as the ping period.
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
    public async Task SentinelsStartedApartPingTheMasterOnTheWallClocksQuarterSeconds()
    {
        var sentinels = new List<RunningNode>();
        for (var i = 0; i < 3; i++) sentinels.Add(Track(await RedisNodes.StartVigilAsync(_dir, Config(quorum: 2))));

        // The master's MONITOR stamps each command with its own clock (the same machine's) and the sender's address.
        await using var monitor = await _master.ConnectAsync();
        Assert.IsType<RespSimpleString>(await monitor.CallAsync("MONITOR"));
        var pingsBySender = new Dictionary<string, List<long>>();
        while (pingsBySender.Count < 3 || pingsBySender.Values.Any(times => times.Count < 12))
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
        // start times did. On the common beat every one sends within a few milliseconds after a quarter second.
        foreach (var (sender, times) in pingsBySender.Where(p => p.Value.Count >= 12))
        {
            var offsets = times.Skip(2).Select(t => t % SlotMs).Order().ToList();
            var median = offsets[offsets.Count / 2];
            Assert.True(median <= 60, $"{sender} pings {median} ms after a quarter second (median of {offsets.Count}: {string.Join(' ', offsets)})");
        }
    }
}
