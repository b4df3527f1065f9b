using Vigil.Resp;
using static Vigil.Sentinel.Tests.Support.Fixtures;

namespace Vigil.Sentinel.Tests.Support;

/// <summary>
/// One core with a modelled master and replicas and scripted peer sentinels, for tests that drive a failover
/// step by step.
/// </summary>
internal static class FailoverFixture
{
    public const string Replica2Ip = "10.0.0.3";
    public const int Replica2Port = 7003;
    public static readonly (string Ip, int Port, string RunId)[] Peers =
    [
        ("10.0.0.9", 7109, PeerA),
        ("10.0.0.10", 7110, PeerB),
    ];

    /// <summary>Peers that vote for whoever asks first in an epoch (a fresh epoch each time) and see the master down.</summary>
    public static RespValue VoteForAsker(IReadOnlyList<string> args) =>
        RespValue.Array(RespValue.Integer(1), RespValue.Bulk(args[5]), RespValue.Integer(long.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture)));

    public static RespValue VoteFor(string runId, IReadOnlyList<string> args) =>
        RespValue.Array(RespValue.Integer(1), RespValue.Bulk(runId), RespValue.Integer(long.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>
    /// The core monitors a master with two replicas (10.0.0.2 and 10.0.0.3) and two peers answering with
    /// <paramref name="answer"/>; everything is discovered and settled.
    /// </summary>
    public static SimulatedHost Start(Func<IReadOnlyList<string>, RespValue>? answer = null,
        Func<Vigil.Sentinel.Config.MasterConfig, Vigil.Sentinel.Config.MasterConfig>? tweak = null, int seed = 7, int peerCount = 2)
    {
        var master = Master() with { FailoverTimeoutMs = 20_000 };
        if (tweak is not null) master = tweak(master);
        var host = new SimulatedHost(ConfigOf(master), options: Options(seed));
        host.AddRedis(MasterIp, MasterPort, 'm');
        host.AddRedis(ReplicaIp, ReplicaPort, 'r', (MasterIp, MasterPort));
        host.AddRedis(Replica2Ip, Replica2Port, 's', (MasterIp, MasterPort));
        host.Tick(StartMs);
        foreach (var (ip, port, runId) in Peers.Take(peerCount))
        {
            var peer = host.AddNode(ip, port);
            peer.IsMasterDownReply = answer ?? VoteForAsker;
            host.PublishHello($"{ip},{port},{runId},0,mymaster,{MasterIp},{MasterPort},0");
        }
        host.RunFor(11_000);
        return host;
    }

    public static FakeNode MasterNode(this SimulatedHost host) => host.Nodes[(MasterIp, MasterPort)];

    /// <summary>The time an event was published (first occurrence), from the host's log of effects.</summary>
    public static long? TimeOf(this SimulatedHost host, string channel) =>
        host.Timeline.FirstOrDefault(t => t.Effect is PublishEvent e && e.Channel == channel).AtMs is var at && at != 0 ? at : null;
}
