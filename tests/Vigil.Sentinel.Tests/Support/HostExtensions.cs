namespace Vigil.Sentinel.Tests.Support;

internal static class HostExtensions
{
    /// <summary>A host with the fixture master up (with one replica listed in its INFO), ticked once.</summary>
    public static SimulatedHost StartedWithMasterAndReplica()
    {
        var host = new SimulatedHost();
        host.AddNode(Fixtures.MasterIp, Fixtures.MasterPort, Fixtures.MasterInfo(Fixtures.RunId('m'), (Fixtures.ReplicaIp, Fixtures.ReplicaPort)));
        host.AddNode(Fixtures.ReplicaIp, Fixtures.ReplicaPort, Fixtures.ReplicaInfo(Fixtures.RunId('r'), Fixtures.MasterIp, Fixtures.MasterPort));
        host.Tick(Fixtures.StartMs);
        return host;
    }

    public static List<long> TimesOf(this SimulatedHost host, string ip, int port, string command) =>
        host.Sends(ip, port).Where(s => s.Args[0] == command).Select(s => s.AtMs).ToList();
}
