using System.Globalization;
using Vigil.Integration.Infrastructure;
using Vigil.Resp;
using Xunit.Abstractions;

namespace Vigil.Integration.Proxy;

/// <summary>
/// A client that knows only the proxy's address keeps writing while the master is frozen by DEBUG SLEEP
/// and then, on the next master, killed with kill -9. Through vigil proxy it must see a gap of at most
/// down-after + 1 s each time, lose no acknowledged write, and get no acknowledgement from a replaced
/// master (a write the old master took after the switch would be missing on the final master, which is
/// where every acknowledged write is looked for).
/// </summary>
/// <remarks>
/// The gap has two parts: the sentinels' failover (fault to the first <c>+switch-master</c> any sentinel
/// publishes) and the proxy's part (that event to the client's next acknowledged write). The whole gap is
/// asserted at most down-after + 1 s, of which the sentinels' budget is down-after + 700 ms (their own
/// target, bench/README.md) and the proxy's the remaining 300 ms. On a loaded machine the sentinels can be
/// late on their own: the bound then grows by exactly their lateness, measured from the arrival times of
/// their events, so the assertion still holds the proxy to its 300 ms without failing for the sentinels.
/// </remarks>
[Collection(ProxyCollection.Name)]
public sealed class ProxyFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int DownAfterMs = 1500;

    /// <summary>The sentinels' share of the gap bound (fault to +switch-master); the proxy has the rest of the second.</summary>
    private const int SentinelBudgetMs = 700;
    private const int GapBoundOverDownAfterMs = 1000;

    private readonly SentinelGroup _group = new();
    private ProxyProcess? _proxy;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _proxy?.Dispose();
        await _group.DisposeAsync();
    }

    [Fact]
    public async Task PlainClientThroughProxyFollowsDebugSleepFailoverWithNoAcknowledgedWriteLost()
    {
        var (events, writer, stop, writing) = await StartGroupProxyAndWriterAsync(checkReplicas: true);
        try
        {
            var first = _group.Master;
            await using var sleeper = await first.ConnectAsync();
            var faultAtMs = writer.NowMs;
            await sleeper.SendRawAsync("DEBUG SLEEP 6\r\n");
            var (second, switchSeenAtMs) = await SwitchedToAsync(events, first, writer);
            await WritesResumeOnAsync(writer, second);
            // The sleeper wakes up with the writes it had queued: none of them may be acknowledged to the client.
            Assert.Equal("+OK", RespText.Render(await sleeper.ReadAsync(TimeSpan.FromSeconds(15))));
            await AssertFailoverAsync(events, writer, stop, writing, faultAtMs, switchSeenAtMs, second, "DEBUG SLEEP");
            Assert.Matches($@"fenced master 127\.0\.0\.1:{first.Port}: .* closed [1-9]\d* client connection", _proxy!.Log);
        }
        finally
        {
            await stop.CancelAsync();
            await writing;
        }
    }

    [Fact]
    public async Task PlainClientThroughProxyFollowsKillFailoverWithNoAcknowledgedWriteLost()
    {
        var (events, writer, stop, writing) = await StartGroupProxyAndWriterAsync(checkReplicas: false);
        try
        {
            var first = _group.Master;
            var faultAtMs = writer.NowMs;
            await first.KillAsync();
            var (second, switchSeenAtMs) = await SwitchedToAsync(events, first, writer);
            await WritesResumeOnAsync(writer, second);
            await AssertFailoverAsync(events, writer, stop, writing, faultAtMs, switchSeenAtMs, second, "kill -9");
            Assert.Contains($"fenced master 127.0.0.1:{first.Port}", _proxy!.Log, StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            await writing;
        }
    }

    /// <summary>A master, two replicas, three Vigil sentinels, the proxy, and a plain client writing through it.</summary>
    private async Task<(SentinelEvents[] Events, PlainWriter Writer, CancellationTokenSource Stop, Task Writing)> StartGroupProxyAndWriterAsync(bool checkReplicas)
    {
        string[] redisArgs = ["--repl-diskless-sync-delay", "0"];
        await _group.StartMasterAsync(redisArgs);
        await _group.StartReplicaAsync(redisArgs);
        await _group.StartReplicaAsync(redisArgs);
        var config = _group.SentinelConfig(quorum: 2, downAfterMs: DownAfterMs, failoverTimeoutMs: 10000);
        for (var i = 0; i < 3; i++) await _group.StartVigilAsync(config);
        await Topology.WaitForDiscoveryAsync(_group.Sentinels, peers: 2, replicas: 2, TimeSpan.FromSeconds(30));
        var events = new SentinelEvents[_group.Sentinels.Count];
        for (var i = 0; i < events.Length; i++) events[i] = await _group.SubscribeAsync(_group.Sentinels[i], $"vigil-{i + 1}");

        _proxy = ProxyProcess.Start(_group.Dir, _group.Sentinels.Select(s => s.Port), replicas: checkReplicas);
        await _proxy.WaitForwardingAsync(TimeSpan.FromSeconds(20));
        if (checkReplicas) await ReadsSpreadOverReplicasAsync();

        var writer = new PlainWriter(_proxy.Port);
        var stop = new CancellationTokenSource();
        var writing = Task.Run(() => writer.RunAsync(stop.Token));
        await _group.WaitAsync(() => writer.AckedCount >= 100, TimeSpan.FromSeconds(20), "100 writes acknowledged through the proxy");
        return (events, writer, stop, writing);
    }

    /// <summary>The gap bound, and every acknowledged write on the new master (none lost, none taken by the replaced one).</summary>
    private async Task AssertFailoverAsync(SentinelEvents[] events, PlainWriter writer, CancellationTokenSource stop, Task writing, long faultAtMs, long switchSeenAtMs, RunningNode newMaster, string fault)
    {
        await stop.CancelAsync();
        await writing;
        var gapMs = writer.LongestGapMs(faultAtMs, writer.NowMs);
        var proxyShareMs = writer.FirstAckAtOrAfter(switchSeenAtMs) - switchSeenAtMs;
        var sentinelsMs = switchSeenAtMs - faultAtMs;
        var sentinelsLateMs = Math.Max(0, sentinelsMs - (DownAfterMs + SentinelBudgetMs));
        var boundMs = DownAfterMs + GapBoundOverDownAfterMs + sentinelsLateMs;
        var acked = writer.Acked.Select(a => a.Id).ToList();
        var missing = await MissingOnAsync(newMaster, acked);
        output.WriteLine($"{fault}: longest write gap {gapMs} ms (bound {boundMs} ms: down-after {DownAfterMs} + {GapBoundOverDownAfterMs}, sentinels late by {sentinelsLateMs}), " +
            $"fault to the first +switch-master {sentinelsMs} ms, +switch-master to the next acknowledged write {proxyShareMs} ms; " +
            $"{acked.Count} acknowledged writes, {missing.Count} not on the new master; {writer.Failures} failed writes");
        output.WriteLine("sentinel events (ms): " + string.Join(", ", events.SelectMany(e => e.Timeline).OrderBy(e => e.AtMs).Select(e => $"{e.AtMs} {e.Channel} {e.Message}")));
        output.WriteLine(_proxy!.Log);
        Assert.True(missing.Count == 0,
            $"{missing.Count} of {acked.Count} acknowledged writes are not on the new master {newMaster.Port}, first {string.Join(", ", missing.Take(10))}; proxy log: {_proxy.Log}");
        Assert.True(gapMs <= boundMs,
            $"after the {fault} failover the longest write gap was {gapMs} ms, over the bound of {boundMs} ms (fault to +switch-master {sentinelsMs} ms, " +
            $"+switch-master to the next acknowledged write {proxyShareMs} ms); proxy log: {_proxy.Log}");
    }

    /// <summary>Two connections on the replicas port land on the two replicas, each reporting role slave.</summary>
    private async Task ReadsSpreadOverReplicasAsync()
    {
        var replicasPort = _proxy!.ReplicasPort!.Value;
        await _group.WaitAsync(async () =>
        {
            await using var probe = await RespTestClient.ConnectAsync(replicasPort);
            return RespFieldsRole(await probe.CallAsync("ROLE")) == "slave";
        }, TimeSpan.FromSeconds(20), "a connection on the replicas port reaching a replica");
        var ports = new HashSet<int>();
        for (var i = 0; i < 2; i++)
        {
            await using var reader = await RespTestClient.ConnectAsync(replicasPort);
            var reply = (RespArray)await reader.CallAsync("CONFIG", "GET", "port");
            ports.Add(int.Parse(((RespBulkString)reply.Items[1]).Text, CultureInfo.InvariantCulture));
        }
        Assert.Equal(_group.Replicas.Select(r => r.Port).Order(), ports.Order());
    }

    private static string? RespFieldsRole(RespValue reply) =>
        reply is RespArray { Items: [RespBulkString role, ..] } ? role.Text : null;

    /// <summary>The node a +switch-master away from <paramref name="from"/> names, and when (on the writer's clock) the test saw it.</summary>
    private async Task<(RunningNode Node, long SeenAtMs)> SwitchedToAsync(SentinelEvents[] events, RunningNode from, PlainWriter writer)
    {
        var prefix = $"{Topology.MasterName} 127.0.0.1 {from.Port} ";
        await _group.WaitAsync(() => events.Any(e => e.Has("+switch-master", prefix)), TimeSpan.FromSeconds(30), $"+switch-master away from {from.Port}");
        // The first sentinel to publish it, at the time its event arrived (not when this test's poll noticed it),
        // moved to the writer's clock: the proxy acts on the first one from any sentinel.
        var writerMinusEventsMs = writer.NowMs - SentinelEvents.NowMs;
        var (message, atMs) = events
            .SelectMany(e => e.Timeline)
            .Where(e => e.Channel == "+switch-master" && e.Message.StartsWith(prefix, StringComparison.Ordinal))
            .Select(e => (e.Message, e.AtMs))
            .MinBy(e => e.AtMs);
        var port = int.Parse(message.Split(' ')[^1], CultureInfo.InvariantCulture);
        return (_group.DataNodes.Single(n => n.Port == port && !n.Process.HasExited), atMs + writerMinusEventsMs);
    }

    /// <summary>Waits until 50 more writes are acknowledged and the last one is on <paramref name="master"/>.</summary>
    private async Task WritesResumeOnAsync(PlainWriter writer, RunningNode master)
    {
        var from = writer.NextId;
        await _group.WaitAsync(async () =>
        {
            var acked = writer.Acked;
            if (acked.Count == 0 || acked[^1].Id < from + 50) return false;
            return (await MissingOnAsync(master, [acked[^1].Id])).Count == 0;
        }, TimeSpan.FromSeconds(30), $"writes through the proxy acknowledged again and landing on {master.Port}; proxy log: {_proxy!.Log}");
    }

    private static async Task<List<long>> MissingOnAsync(RunningNode node, IReadOnlyList<long> ids)
    {
        var missing = new List<long>();
        await using var connection = await node.ConnectAsync();
        foreach (var batch in ids.Chunk(500))
        {
            var reply = (RespArray)await connection.CallAsync(["MGET", .. batch.Select(PlainWriter.Key)]);
            for (var i = 0; i < batch.Length; i++)
            {
                if (reply.Items[i] is not RespBulkString value || value.Text != batch[i].ToString(CultureInfo.InvariantCulture)) missing.Add(batch[i]);
            }
        }
        return missing;
    }
}
