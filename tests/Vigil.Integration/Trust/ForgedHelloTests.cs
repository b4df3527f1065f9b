using System.Globalization;
using Vigil.Integration.Infrastructure;
using Vigil.Resp;

namespace Vigil.Integration.Trust;

/// <summary>
/// Three Vigil sentinels watch a master and two replicas. An attacker who can PUBLISH on the master's hello channel,
/// but runs no sentinel, tries every trick of the forged hello: invented sentinels at addresses where nothing listens,
/// an epoch near the top of the range, a real sentinel's run id at another address, a real sentinel's address with a
/// new run id. Each sentinel keeps listing exactly its two real peers, and a later kill -9 of the master is still
/// failed over (the invented voters would otherwise put the majority out of reach), in a low epoch.
/// </summary>
public sealed class ForgedHelloTests : IAsyncLifetime
{
    private const string HugeEpoch = "9223372036854775806";
    private readonly SentinelGroup _group = new();
    private readonly List<SentinelEvents> _events = [];
    private readonly List<(int Port, string RunId)> _real = [];

    public async Task InitializeAsync()
    {
        await _group.StartMasterAsync();
        await _group.StartReplicaAsync();
        await _group.StartReplicaAsync();
        var config = _group.SentinelConfig(quorum: 2, downAfterMs: 1000, failoverTimeoutMs: 6000, "loglevel verbose");
        for (var i = 0; i < 3; i++)
        {
            var sentinel = await _group.StartVigilAsync(config);
            _events.Add(await _group.SubscribeAsync(sentinel, $"vigil-{i + 1}"));
        }
        await Topology.WaitForDiscoveryAsync(_group.Sentinels, peers: 2, replicas: 2, TimeSpan.FromSeconds(30));
        foreach (var sentinel in _group.Sentinels) _real.Add((sentinel.Port, await Topology.RunIdAsync(sentinel)));
    }

    public async Task DisposeAsync() => await _group.DisposeAsync();

    private string Hello(int port, string runId, string epoch = "0") =>
        string.Join(',', "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), runId, epoch,
            Topology.MasterName, "127.0.0.1", _group.Master.Port.ToString(CultureInfo.InvariantCulture), "0");

    private static string InventedRunId(int i) => $"f0f0{i:d36}";

    private async Task PublishAsync(string payload)
    {
        var received = await Topology.CallAsync(_group.Master, "PUBLISH", "__sentinel__:hello", payload);
        Assert.Equal(3, Assert.IsType<RespInteger>(received).Value); // every sentinel is subscribed
    }

    /// <summary>Waits until every sentinel logged its refusal of a claim (so the attack was processed), then checks peers.</summary>
    /// <remarks>A sentinel ignores hellos carrying its own run id: <paramref name="skipVictim"/> leaves it out of the wait.</remarks>
    private async Task PublishAndExpectRefusalAsync(string payload, string refusal, bool skipVictim = false)
    {
        await PublishAsync(payload);
        var refusing = _group.Sentinels.Skip(skipVictim ? 1 : 0).ToList();
        await _group.WaitAsync(() => refusing.All(s => s.Process.Stdout.Contains(refusal, StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), $"every sentinel refusing: {refusal}");
        await AssertOnlyRealPeersAsync();
    }

    private async Task AssertOnlyRealPeersAsync()
    {
        foreach (var sentinel in _group.Sentinels)
        {
            var expected = _real.Where(r => r.Port != sentinel.Port).OrderBy(r => r.Port).ToList();
            await using var client = await sentinel.ConnectAsync();
            var peers = Replies.List(await client.CallAsync("SENTINEL", "SENTINELS", Topology.MasterName))
                .Select(p => (int.Parse(Replies.Field(p, "port"), CultureInfo.InvariantCulture), Replies.Field(p, "runid")))
                .OrderBy(p => p.Item1)
                .ToList();
            Assert.Equal(expected, peers);
            Assert.Equal("2", Replies.Field(Replies.Fields(await client.CallAsync("SENTINEL", "MASTER", Topology.MasterName)), "num-other-sentinels"));
        }
    }

    [Fact]
    public async Task ForgedHellosMoveNothingAndAKilledMasterIsStillFailedOver()
    {
        var (victimPort, victimId) = _real[0];
        var deadPorts = Enumerable.Range(0, 7).Select(_ => FreePort.Next()).ToList();

        // Five invented sentinels at addresses where nothing listens.
        for (var i = 0; i < 5; i++)
        {
            await PublishAndExpectRefusalAsync(Hello(deadPorts[i], InventedRunId(i)),
                $"Sentinel {InventedRunId(i)} at 127.0.0.1:{deadPorts[i]} not admitted for '{Topology.MasterName}': not reachable");
        }

        // A huge current epoch, from an invented sentinel and under a real sentinel's own identity.
        await PublishAndExpectRefusalAsync(Hello(deadPorts[5], InventedRunId(5), HugeEpoch),
            $"Sentinel {InventedRunId(5)} at 127.0.0.1:{deadPorts[5]} not admitted");
        await PublishAsync(Hello(victimPort, victimId, HugeEpoch));
        await _group.WaitAsync(() => _group.Sentinels.Skip(1).All(s => s.Process.Stdout.Contains($"Refusing epoch {HugeEpoch}", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), "the huge epoch refused");
        await AssertOnlyRealPeersAsync();

        // A real sentinel's run id at another address; its address with a new run id.
        await PublishAndExpectRefusalAsync(Hello(deadPorts[6], victimId),
            $"Sentinel {victimId} at 127.0.0.1:{deadPorts[6]} not admitted", skipVictim: true);
        await PublishAndExpectRefusalAsync(Hello(victimPort, InventedRunId(7)),
            $"Sentinel {InventedRunId(7)} at 127.0.0.1:{victimPort} not admitted for '{Topology.MasterName}': it answered with run id {victimId}");

        var oldMaster = _group.Master;
        await oldMaster.KillAsync();
        foreach (var events in _events) await events.WaitForAsync("+switch-master", TimeSpan.FromSeconds(30));
        var newMasterPort = await Topology.MasterPortSeenByAsync(_group.Sentinels[0]);
        Assert.NotEqual(oldMaster.Port, newMasterPort);
        await _group.WaitForAgreementAsync(newMasterPort, TimeSpan.FromSeconds(30));

        // The failover ran in a low epoch: the forged one was never adopted, so nothing can wrap.
        foreach (var sentinel in _group.Sentinels)
        {
            var master = await Topology.CallAsync(sentinel, "SENTINEL", "MASTER", Topology.MasterName);
            Assert.InRange(long.Parse(Replies.Field(Replies.Fields(master), "config-epoch"), CultureInfo.InvariantCulture), 1, 10);
        }
        Assert.All(_events, e => Assert.DoesNotContain(e.All, x => x.Channel == "+new-epoch" && x.Message.Length > 3));
        await AssertOnlyRealPeersAsync();
    }
}
