using Vigil.Sentinel.Config;

namespace Vigil.Sentinel.Tests.Support;

internal static class HostExtensions
{
    /// <summary>A host with the fixture master up (with one replica listed in its INFO), ticked once.</summary>
    public static SimulatedHost StartedWithMasterAndReplica(SentinelConfig? config = null)
    {
        var host = new SimulatedHost(config);
        host.AddNode(Fixtures.MasterIp, Fixtures.MasterPort, Fixtures.MasterInfo(Fixtures.RunId('m'), (Fixtures.ReplicaIp, Fixtures.ReplicaPort)));
        host.AddNode(Fixtures.ReplicaIp, Fixtures.ReplicaPort, Fixtures.ReplicaInfo(Fixtures.RunId('r'), Fixtures.MasterIp, Fixtures.MasterPort));
        host.Tick(Fixtures.StartMs);
        return host;
    }

    /// <summary>
    /// Real peers with these run ids (reachable, answering as themselves) announce themselves and are admitted; they
    /// live at 10.0.0.20, 10.0.0.21... port 7120, 7121...
    /// </summary>
    public static void AdmitPeers(this SimulatedHost host, params string[] runIds)
    {
        for (int i = 0; i < runIds.Length; i++)
        {
            host.PublishHello($"10.0.0.{20 + i},{7120 + i},{runIds[i]},0,mymaster,{Fixtures.MasterIp},{Fixtures.MasterPort},0");
        }
    }

    public static List<long> TimesOf(this SimulatedHost host, string ip, int port, string command) =>
        host.Sends(ip, port).Where(s => s.Args[0] == command).Select(s => s.AtMs).ToList();

    /// <summary>When the node was sent a probe: a PING, or a hello that may stand for one (INFO never does).</summary>
    public static List<long> ProbeTimesOf(this SimulatedHost host, string ip, int port) =>
        host.Sends(ip, port).Where(s => s.Args[0] is "PING" or "PUBLISH").Select(s => s.AtMs).ToList();
}
