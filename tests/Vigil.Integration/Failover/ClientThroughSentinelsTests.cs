using System.Globalization;
using StackExchange.Redis;
using Vigil.Integration.Infrastructure;
using Vigil.Resp;
using Xunit.Abstractions;

namespace Vigil.Integration.Failover;

/// <summary>
/// A StackExchange.Redis client that knows only the sentinels and the service name keeps writing while
/// the master moves twice: first by SENTINEL FAILOVER (Vigil's planned switchover, which must lose no
/// acknowledged write), then by an automatic failover after kill -9 of the master.
/// </summary>
public sealed class ClientThroughSentinelsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly SentinelGroup _group = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _group.DisposeAsync();

    [Fact]
    public async Task ClientKeepsWritingAcrossSwitchoverAndFailoverAndTheSwitchoverLosesNoAcknowledgedWrite()
    {
        string[] redisArgs = ["--repl-diskless-sync-delay", "0"];
        await _group.StartMasterAsync(redisArgs);
        await _group.StartReplicaAsync(redisArgs);
        await _group.StartReplicaAsync(redisArgs);
        var config = _group.SentinelConfig(quorum: 2, downAfterMs: 1500, failoverTimeoutMs: 10000);
        for (var i = 0; i < 3; i++) await _group.SubscribeAsync(await _group.StartVigilAsync(config), $"vigil-{i + 1}");
        await Topology.WaitForDiscoveryAsync(_group.Sentinels, peers: 2, replicas: 2, TimeSpan.FromSeconds(30));
        var events = await _group.SubscribeAsync(_group.Sentinels[0], "vigil-1 (test's own)");

        using var clientLog = new StringWriter(CultureInfo.InvariantCulture);
        await using var client = await SentinelAwareClient.ConnectAsync(_group.Sentinels.Select(s => s.Port), clientLog);
        var writes = new WriteRecorder(client.GetDatabase());
        using var stop = new CancellationTokenSource();
        var writing = Task.Run(() => writes.RunAsync(stop.Token));
        try
        {
            await _group.WaitAsync(() => writes.Acked.Count >= 100, TimeSpan.FromSeconds(20), "100 writes acknowledged through the sentinels");

            // 1. SENTINEL FAILOVER while the client writes: nothing it was told OK may be missing afterwards.
            var first = _group.Master;
            var firstIdOfSwitchover = writes.NextId;
            Assert.Equal("+OK", RespText.Render(await Topology.CallAsync(_group.Sentinels[0], "SENTINEL", "FAILOVER", Topology.MasterName)));
            var second = await SwitchedToAsync(events, first, TimeSpan.FromSeconds(30));
            // The write-preserving path ran, not the reference's forced failover.
            Assert.True(events.Has("+switchover-pause-writes"), _group.DescribeEvents());
            Assert.True(events.Has("+switchover-replica-caught-up"), _group.DescribeEvents());
            await WritesResumeOnAsync(writes, second);
            await _group.WaitForAgreementAsync(second.Port, TimeSpan.FromSeconds(30));
            var acknowledged = writes.Acked;
            var missing = await MissingOnAsync(second, acknowledged);
            Assert.True(missing.Count == 0,
                $"{missing.Count} of {acknowledged.Count} acknowledged writes are not on the new master, first {string.Join(", ", missing.Take(10))}");
            output.WriteLine("switchover timeline (leader): " + Timeline(events, "+switchover-pause-writes", "+switch-master"));
            output.WriteLine($"switchover: {acknowledged.Count} acknowledged writes all on {second.Port}; longest gap between acknowledgements " +
                $"{writes.LongestGapMs(firstIdOfSwitchover)} ms; {writes.Failures} failed writes so far ({writes.LastFailure})");

            // 2. kill -9 of the master: the client must find the automatically promoted replica and write there.
            await second.KillAsync();
            var firstIdAfterKill = writes.NextId;
            var failuresBefore = writes.Failures;
            var third = await SwitchedToAsync(events, second, TimeSpan.FromSeconds(40));
            await WritesResumeOnAsync(writes, third);
            await _group.WaitForAgreementAsync(third.Port, TimeSpan.FromSeconds(30));
            var afterKill = writes.Acked.Where(id => id >= firstIdAfterKill).ToList();
            Assert.NotEmpty(afterKill);
            var missingAfterKill = await MissingOnAsync(third, afterKill);
            Assert.True(missingAfterKill.Count == 0,
                $"{missingAfterKill.Count} writes acknowledged after the kill are not on the new master, first {string.Join(", ", missingAfterKill.Take(10))}");
            // Writes acknowledged by the killed master just before it died may be lost (replication is asynchronous): only counted.
            var lostBeforeKill = (await MissingOnAsync(third, writes.Acked.Where(id => id < firstIdAfterKill).ToList())).Count;
            output.WriteLine("failover timeline (vigil-1): " + Timeline(events, "+sdown", "+switch-master", $"master {Topology.MasterName} ", $"{Topology.MasterName} 127.0.0.1 {second.Port} "));
            output.WriteLine($"failover: {afterKill.Count} writes acknowledged after the kill, all on {third.Port}; longest gap {writes.LongestGapMs(firstIdAfterKill)} ms; " +
                $"{writes.Failures - failuresBefore} failed during it; " +
                $"{lostBeforeKill} acknowledged before the kill not on the new master");
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            output.WriteLine("client log: " + clientLog);
            output.WriteLine($"writer: {writes.Acked.Count} acknowledged, {writes.Failures} failed, last failure {writes.LastFailure}");
            throw;
        }
        finally
        {
            await stop.CancelAsync();
            await writing;
        }
    }

    /// <summary>The events from the last <paramref name="from"/> up to the <paramref name="to"/> that follows, with ms since the first.</summary>
    private static string Timeline(SentinelEvents events, string from, string to, string? fromStartingWith = null, string? toStartingWith = null)
    {
        var all = events.Timeline;
        var start = all.ToList().FindLastIndex(e => e.Channel == from && (fromStartingWith is null || e.Message.StartsWith(fromStartingWith, StringComparison.Ordinal)));
        if (start < 0) return $"(no {from})";
        var startMs = all[start].AtMs;
        var lines = new List<string>();
        for (var i = start; i < all.Count; i++)
        {
            lines.Add($"+{all[i].AtMs - startMs} ms {all[i].Channel} {all[i].Message}");
            if (all[i].Channel == to && (toStartingWith is null || all[i].Message.StartsWith(toStartingWith, StringComparison.Ordinal))) break;
        }
        return string.Join(", ", lines);
    }

    /// <summary>Waits for this sentinel's +switch-master away from <paramref name="from"/> and returns the node it names.</summary>
    private async Task<RunningNode> SwitchedToAsync(SentinelEvents events, RunningNode from, TimeSpan timeout)
    {
        var prefix = $"{Topology.MasterName} 127.0.0.1 {from.Port} ";
        await _group.WaitAsync(() => events.Has("+switch-master", prefix), timeout, $"+switch-master away from {from.Port}");
        var text = events.All.First(e => e.Channel == "+switch-master" && e.Message.StartsWith(prefix, StringComparison.Ordinal)).Message;
        var port = int.Parse(text.Split(' ')[^1], CultureInfo.InvariantCulture);
        return _group.DataNodes.Single(n => n.Port == port && !n.Process.HasExited);
    }

    /// <summary>Waits until writes issued from now on are acknowledged again (50 of them) and found on <paramref name="master"/>.</summary>
    private async Task WritesResumeOnAsync(WriteRecorder writes, RunningNode master)
    {
        var from = writes.NextId;
        await _group.WaitAsync(async () =>
        {
            var last = writes.LastAcked;
            return last >= from + 50 && (await MissingOnAsync(master, [last])).Count == 0;
        }, TimeSpan.FromSeconds(30), $"writes acknowledged again and landing on {master.Port} (writer: {writes.Failures} failures, last {writes.LastFailure})");
    }

    /// <summary>The ids among <paramref name="ids"/> whose key is absent on the node, or holds another value.</summary>
    private static async Task<List<long>> MissingOnAsync(RunningNode node, IReadOnlyList<long> ids)
    {
        var missing = new List<long>();
        await using var connection = await node.ConnectAsync();
        foreach (var batch in ids.Chunk(500))
        {
            var reply = (RespArray)await connection.CallAsync(["MGET", .. batch.Select(WriteRecorder.Key)]);
            for (var i = 0; i < batch.Length; i++)
            {
                if (reply.Items[i] is not RespBulkString value || value.Text != batch[i].ToString(CultureInfo.InvariantCulture)) missing.Add(batch[i]);
            }
        }
        return missing;
    }
}
