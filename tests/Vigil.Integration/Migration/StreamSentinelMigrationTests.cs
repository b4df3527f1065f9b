using System.Globalization;
using System.Text.Json;
using Vigil.Integration.Failover;
using Vigil.Integration.Infrastructure;
using Vigil.Resp;
using Xunit.Abstractions;
using static Vigil.Integration.Migration.MigrateCli;

namespace Vigil.Integration.Migration;

/// <summary>
/// <c>vigil migrate --mode stream</c> through a group of three Vigil sentinels: the target is a "managed-like"
/// server that cannot be a replica of the group, so migrate moves every sentinel to it with SENTINEL MOVE-MASTER
/// while the source is paused and fenced. A client that knows only the sentinels keeps writing and follows.
/// </summary>
public sealed class StreamSentinelMigrationTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Keys = 200_000;
    private readonly SentinelGroup _group = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _group.DisposeAsync();

    [Fact]
    public async Task EverySentinelMovesToTheManagedTargetAndNoAcknowledgedWriteIsLost()
    {
        string[] redisArgs = ["--repl-diskless-sync-delay", "0", .. EncodingDataset.ServerArgs];
        var source = await _group.StartMasterAsync(redisArgs);
        var oldReplica = await _group.StartReplicaAsync(redisArgs);
        var target = _group.Track(await RedisNodes.StartRedisAsync(_group.Dir, [.. redisArgs, .. StreamSnapshotTests.ManagedTargetArgs]));
        await MigrationDataset.FillAsync(source.Port, Keys);
        await EncodingDataset.FillAsync(source);
        var config = _group.SentinelConfig(quorum: 2, downAfterMs: 2000, failoverTimeoutMs: 10000);
        var events = new List<SentinelEvents>();
        for (var i = 0; i < 3; i++) events.Add(await _group.SubscribeAsync(await _group.StartVigilAsync(config), $"vigil-{i + 1}"));
        await Topology.WaitForDiscoveryAsync(_group.Sentinels, peers: 2, replicas: 1, TimeSpan.FromSeconds(30));
        string[] sentinels = [.. _group.Sentinels.SelectMany(s => new[] { "--sentinel", Address(s) })];
        var stateFile = Path.Combine(_group.Dir.Path, "state.json");

        // A sentinel left out would go on naming the fenced source: every one must be given.
        var partial = await RunAsync("--source", Address(source), "--target", Address(target), "--yes", "--state-file", stateFile,
            "--sentinel", Address(_group.Sentinels[0]), "--sentinel", Address(_group.Sentinels[1]));
        Assert.Equal(1, partial.ExitCode);
        Assert.Contains("has 3 sentinels and 2 were given", Assert.Single(ErrorLines(partial)), StringComparison.Ordinal);

        var plan = await RunAsync(["--source", Address(source), "--target", Address(target), .. sentinels, "--plan"]);
        Assert.True(plan.ExitCode == 0, plan.Stdout + plan.Stderr);
        Assert.Contains($"SENTINEL MOVE-MASTER {Topology.MasterName} 127.0.0.1 {target.Port}", plan.Stdout, StringComparison.Ordinal);

        await using var client = await SentinelAwareClient.ConnectAsync(_group.Sentinels.Select(s => s.Port));
        var writes = new WriteRecorder(client.GetDatabase());
        using var stop = new CancellationTokenSource();
        var writing = Task.Run(() => writes.RunAsync(stop.Token));
        try
        {
            await _group.WaitAsync(() => writes.Acked.Count >= 50, TimeSpan.FromSeconds(20), "50 writes acknowledged through the sentinels");
            var report = Path.Combine(_group.Dir.Path, "report.json");
            var result = await RunAsync(["--source", Address(source), "--target", Address(target), .. sentinels,
                "--yes", "--json", report, "--state-file", stateFile]);
            output.WriteLine(result.Stdout + result.Stderr);
            Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr + _group.DescribeEvents());
            using (var json = JsonDocument.Parse(File.ReadAllBytes(report)))
            {
                Assert.Equal("sentinel-move", json.RootElement.GetProperty("cutover").GetString());
                Assert.True(json.RootElement.GetProperty("writePauseMs").GetDouble() > 0);
            }
            var afterMigration = writes.NextId;
            await _group.WaitAsync(() => writes.LastAcked >= afterMigration + 50, TimeSpan.FromSeconds(30), "writes acknowledged by the target through the sentinels");
        }
        finally
        {
            await stop.CancelAsync();
            await writing;
        }
        output.WriteLine($"writer: {writes.Acked.Count} acknowledged, {writes.Failures} failed ({writes.LastFailure})");

        var switchMaster = $"{Topology.MasterName} 127.0.0.1 {source.Port} 127.0.0.1 {target.Port}";
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(target.Port, await Topology.MasterPortSeenByAsync(_group.Sentinels[i]));
            Assert.True(events[i].Has("+switch-master", switchMaster), $"vigil-{i + 1} published no +switch-master {switchMaster}; {_group.DescribeEvents()}");
            var replicas = (RespArray)await Topology.CallAsync(_group.Sentinels[i], "SENTINEL", "REPLICAS", Topology.MasterName);
            var ports = replicas.Items.Select(r => int.Parse(Replies.Fields(r).First(f => f.Key == "port").Value, CultureInfo.InvariantCulture));
            Assert.DoesNotContain(ports, port => port == source.Port || port == oldReplica.Port);
        }
        // --old-nodes replica (the default): the old nodes keep running, fenced, and nobody reconfigured them.
        Assert.Equal("master", await RoleAsync(source));
        Assert.Equal($"replica of {source.Port}", await RoleAsync(oldReplica));

        var acknowledged = writes.Acked;
        var missing = await MigrationDataset.MissingAsync(target.Port, acknowledged);
        Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledged.Count} acknowledged writes are not on the target, first {string.Join(", ", missing.Take(10))}");

        // The writes made on the target after the cutover are not the source's: set them aside, then the copy must match.
        var onlyOnTarget = (await MigrationDataset.MissingAsync(source.Port, acknowledged)).ToList();
        Assert.NotEmpty(onlyOnTarget);
        foreach (var chunk in onlyOnTarget.Chunk(500))
        {
            await Topology.CallAsync(target, ["DEL", .. chunk.Select(WriteRecorder.Key)]);
        }
        var verify = await RunAsync("verify", "--source", Address(source), "--target", Address(target));
        output.WriteLine(verify.Stdout + verify.Stderr);
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
        Assert.Contains("no difference", verify.Stdout, StringComparison.Ordinal);
    }
}
