using Vigil.Sentinel.State;
using Vigil.Resp;
using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;

namespace Vigil.Sentinel.Tests;

/// <summary>
/// Seeded random schedules of node failures, reconnects, hellos and admin commands. Whatever happens, the core
/// must not throw, must never ask to be woken in the past, and must not spin the host.
/// </summary>
public sealed class RandomScheduleTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void CoreSurvivesRandomSchedules(int seed)
    {
        var random = new Random(seed);
        var host = new SimulatedHost(ConfigOf(Master("m1"), Master("m2", "10.0.0.21", 7021, quorum: 1)), options: Options(seed));
        var nodes = new[]
        {
            host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m'), (ReplicaIp, ReplicaPort))),
            host.AddNode(ReplicaIp, ReplicaPort, ReplicaInfo(RunId('r'), MasterIp, MasterPort)),
            host.AddNode("10.0.0.21", 7021, MasterInfo(RunId('x'))),
            host.AddNode("10.0.0.9", 7109),
        };
        string[] peers = [PeerA, PeerB, PeerC];
        string[][] commands =
        [
            ["masters"], ["master", "m1"], ["replicas", "m1"], ["sentinels", "m2"], ["ckquorum", "m1"],
            ["info-cache", "m1", "m2"], ["reset", "m2"], ["set", "m1", "down-after-milliseconds", "2000"],
            ["set", "m1", "quorum", "1"], ["debug", "ping-period", "700"], ["config", "set", "announce-port", "7300"],
            ["remove", "m2"], ["monitor", "m2", "10.0.0.21", "7021", "1"], ["flushconfig"],
            ["is-master-down-by-addr", MasterIp, "7001", "3", PeerB], ["get-master-addr-by-name", "m1"],
        ];

        for (int step = 0; step < 400; step++)
        {
            long before = host.Now;
            int ticksBefore = host.Ticks;
            host.RunFor(random.Next(50, 1500));
            Assert.True(host.Ticks - ticksBefore <= (host.Now - before) / 5 + 2, $"step {step}: {host.Ticks - ticksBefore} ticks in {host.Now - before} ms");
            Assert.True(host.Core.NextWakeMs >= host.Now - 1500);

            var node = nodes[random.Next(nodes.Length)];
            switch (random.Next(8))
            {
                case 0: node.Frozen = !node.Frozen; break;
                case 1: node.Up = !node.Up; if (!node.Up) host.DropLinksTo(node.Ip, node.Port); break;
                case 2: host.DropLinksTo(node.Ip, node.Port); break;
                case 3:
                    host.PublishHello($"10.0.0.{9 + random.Next(3)},{7109 + random.Next(2)},{peers[random.Next(3)]},{random.Next(5)},m{1 + random.Next(2)},{MasterIp},{MasterPort},{random.Next(3)}");
                    break;
                case 4: host.Sentinel(commands[random.Next(commands.Length)]); break;
                case 5: node.PingReply = random.Next(3) switch
                {
                    0 => new RespSimpleString("PONG"),
                    1 => new RespError("LOADING Redis is loading"),
                    _ => new RespError("BUSY Redis is busy"),
                };
                    break;
                case 6: if (node.Info is not null) node.Info = random.Next(2) == 0 ? MasterInfo(RunId((char)('a' + random.Next(3))), (ReplicaIp, ReplicaPort)) : ReplicaInfo(RunId('q'), "10.0.0.50", 7050); break;
                case 7: host.Tick(host.Now + random.Next(1, 2600)); break; // the host stalls now and then
            }
        }

        // Every state the run produced serialises and reloads.
        var state = host.Core.State;
        Assert.Equal(state.ToJson(), SentinelState.FromJson(state.ToJson()).ToJson());
    }

    [Fact]
    public void MastersHaveIndependentTimers()
    {
        var host = new SimulatedHost(ConfigOf(Master("m1"), Master("m2", "10.0.0.21", 7021) with { DownAfterMs = 2000 }));
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m')));
        host.AddNode("10.0.0.21", 7021, MasterInfo(RunId('x')));
        host.RunFor(1000);
        host.Nodes[("10.0.0.21", 7021)].Frozen = true;
        host.RunFor(3500);

        Assert.Equal("master m2 10.0.0.21 7021", Assert.Single(host.Events("+sdown")).Message);
        Assert.Contains("master0:name=m1,status=ok,", host.InfoSentinelSection());
        Assert.Contains("master1:name=m2,status=sdown,", host.InfoSentinelSection());
    }
}
