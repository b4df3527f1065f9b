using System.Globalization;
using Vigil.Integration.Infrastructure;
using Vigil.Resp;

namespace Vigil.Integration.Monitoring;

/// <summary>
/// One Vigil and two real redis-sentinel processes watch one master with two replicas: discovery,
/// the same instance fields as the reference, and failure detection that counts each other's votes.
/// </summary>
public sealed class MixedGroupMonitoringTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly List<RunningNode> _nodes = [];
    private RunningNode _master = null!;
    private RunningNode _vigil = null!;
    private RunningNode[] _references = [];

    public async Task InitializeAsync()
    {
        _master = Track(await RedisNodes.StartRedisAsync(_dir));
        var masterPort = _master.Port.ToString(CultureInfo.InvariantCulture);
        for (var i = 0; i < 2; i++)
        {
            // Priority 0: no replica can be promoted, so detection is observed without a failover racing it.
            Track(await RedisNodes.StartRedisAsync(_dir, "--replicaof", "127.0.0.1", masterPort, "--replica-priority", "0"));
        }
        string[] config =
        [
            $"sentinel monitor mymaster 127.0.0.1 {masterPort} 2",
            "sentinel down-after-milliseconds mymaster 2000",
            "sentinel failover-timeout mymaster 600000",
        ];
        _references = [Track(await RedisNodes.StartReferenceSentinelAsync(_dir, config)), Track(await RedisNodes.StartReferenceSentinelAsync(_dir, config))];
        _vigil = Track(await RedisNodes.StartVigilAsync(_dir, config));
    }

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

    [Fact]
    public async Task EverySentinelListsTheOtherTwoAndBothReplicasWithTheReferenceFields()
    {
        RunningNode[] all = [_vigil, .. _references];
        await Wait.UntilAsync(async () =>
        {
            foreach (var sentinel in all)
            {
                await using var client = await sentinel.ConnectAsync();
                var sentinels = Replies.List(await client.CallAsync("SENTINEL", "SENTINELS", "mymaster"));
                var replicas = Replies.List(await client.CallAsync("SENTINEL", "REPLICAS", "mymaster"));
                if (sentinels.Count != 2 || replicas.Count != 2) return false;
                if (replicas.Any(r => Replies.Field(r, "master-link-status") != "ok")) return false;
            }
            return true;
        }, TimeSpan.FromSeconds(10), "every sentinel sees 2 peers and 2 linked replicas");

        await using var mine = await _vigil.ConnectAsync();
        await using var theirs = await _references[0].ConnectAsync();
        foreach (var command in new[] { new[] { "SENTINEL", "MASTER", "mymaster" } })
        {
            Assert.Equal(Names(Replies.Fields(await theirs.CallAsync(command))), Names(Replies.Fields(await mine.CallAsync(command))));
        }
        Assert.Equal(
            Names(Replies.List(await theirs.CallAsync("SENTINEL", "REPLICAS", "mymaster"))[0]),
            Names(Replies.List(await mine.CallAsync("SENTINEL", "REPLICAS", "mymaster"))[0]));
        Assert.Equal(
            Names(Replies.List(await theirs.CallAsync("SENTINEL", "SENTINELS", "mymaster"))[0]),
            Names(Replies.List(await mine.CallAsync("SENTINEL", "SENTINELS", "mymaster"))[0]));
        Assert.Equal(
            RespText.Render(await theirs.CallAsync("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster")),
            RespText.Render(await mine.CallAsync("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster")));

        static List<string> Names(IReadOnlyList<KeyValuePair<string, string>> fields) => [.. fields.Select(f => f.Key)];
    }

    [Fact]
    public async Task FrozenMasterIsSdownThenOdownCountingTheOtherSentinelsBothWays()
    {
        await Wait.UntilAsync(async () =>
        {
            foreach (var sentinel in (RunningNode[])[_vigil, .. _references])
            {
                await using var client = await sentinel.ConnectAsync();
                if (Replies.List(await client.CallAsync("SENTINEL", "SENTINELS", "mymaster")).Count != 2) return false;
            }
            return true;
        }, TimeSpan.FromSeconds(10), "sentinels discovered each other");
        // With the second reference sentinel gone, each survivor can only reach quorum 2 by
        // counting the other's answer: Vigil needs the reference's, the reference needs Vigil's.
        _references[1].Dispose();
        await using var vigilEvents = await SentinelEvents.SubscribeAsync(_vigil);
        await using var referenceEvents = await SentinelEvents.SubscribeAsync(_references[0]);
        await using (var master = await _master.ConnectAsync())
        {
            await master.SendRawAsync("*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$2\r\n12\r\n");
        }

        try
        {
            await vigilEvents.WaitForAsync("+sdown", TimeSpan.FromSeconds(20), "master mymaster");
            await vigilEvents.WaitForAsync("+odown", TimeSpan.FromSeconds(20), "master mymaster");
            await referenceEvents.WaitForAsync("+odown", TimeSpan.FromSeconds(20), "master mymaster");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; Vigil saw: {Describe(vigilEvents)}; the reference saw: {Describe(referenceEvents)}", ex);
        }
        Assert.EndsWith("#quorum 2/2", vigilEvents.First("+odown"));
        Assert.EndsWith("#quorum 2/2", referenceEvents.First("+odown"));
    }

    private static string Describe(SentinelEvents events) => string.Join(" | ", events.All.Select(e => e.Channel + " " + e.Message));
}
