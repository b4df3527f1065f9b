using System.Globalization;
using Vigil.Resp;
using Vigil.Simulation.Network;
using Vigil.Simulation.World;

namespace Vigil.Simulation.Clients;

/// <summary>
/// An attacker who can PUBLISH on the hello channel (of a Redis node or straight to a sentinel) and ask for votes, but
/// runs no sentinel: it invents sentinels at addresses where nothing listens, borrows a real sentinel's run id at
/// another address, borrows a real sentinel's address with a new run id, announces huge epochs (also under a real
/// sentinel's exact identity), and asks for votes under invented run ids. None of it may move anything: the checker
/// holds every sentinel to its real peers, to epochs below <see cref="Invariants.InvariantChecker.ForgedEpochFloor"/>
/// and to votes for real sentinels only.
/// </summary>
internal sealed class HelloForger(SimWorld world, int hostId) : IConnectionClient
{
    private readonly Dictionary<SimConnection, string[]> _requests = [];

    /// <summary>Epochs no real run reaches; one of them in a hello tries to make every later epoch wrap.</summary>
    private static readonly long[] HugeEpochs = [long.MaxValue - 1, 1L << 40, 4_000_000_000L];

    public long Forged { get; private set; }

    /// <summary>One attack, chosen at random, against one group.</summary>
    public bool Attack()
    {
        var random = world.Random;
        int group = random.Next(world.Scenario.GroupCount);
        string master = world.Scenario.MasterNames[group];
        var groupNodes = world.Redis.Where(n => n.Group == group).ToList();
        var claimed = groupNodes[random.Next(groupNodes.Count)];
        var real = world.Sentinels[random.Next(world.Sentinels.Count)];
        if (real.MyId.Length == 0) return false;
        var other = world.Sentinels[random.Next(world.Sentinels.Count)];
        long realEpoch = world.Sentinels.Max(s => world.Checker.Track(s).CurrentEpoch);
        // A plausible step (within the core's bound) is only safe to forge under an identity that is not admitted.
        long modestEpoch = realEpoch + Invariants.InvariantChecker.ForgedEpochFloor * 2 + random.Next(100_000);
        long huge = HugeEpochs[random.Next(HugeEpochs.Length)];

        string runId, ip;
        int port;
        long epoch;
        string what;
        switch (random.Next(5))
        {
            case 0:
                (runId, ip, port, epoch, what) = (InventedRunId(), $"10.66.0.{1 + random.Next(200)}", 26379, random.Next(2) == 0 ? modestEpoch : huge, "invented sentinel at a dead address");
                break;
            case 1:
                bool atPeer = other != real && random.Next(2) == 0;
                (runId, ip, port, epoch, what) = atPeer
                    ? (real.MyId, other.Ip, other.Port, modestEpoch, "borrowed run id at another sentinel's address")
                    : (real.MyId, $"10.66.1.{1 + random.Next(200)}", real.Port, modestEpoch, "borrowed run id at a dead address");
                break;
            case 2:
                (runId, ip, port, epoch, what) = (InventedRunId(), real.Ip, real.Port, modestEpoch, "borrowed address with a new run id");
                break;
            case 3:
                (runId, ip, port, epoch, what) = (real.MyId, real.Ip, real.Port, huge, "real identity with a huge epoch");
                break;
            default:
                AskVotes(master, claimed.Ip, claimed.Port, realEpoch + 1);
                return true;
        }
        long configEpoch = random.Next(2) == 0 ? 0 : epoch;
        string payload = string.Join(',', ip, port.ToString(CultureInfo.InvariantCulture), runId, epoch.ToString(CultureInfo.InvariantCulture),
            master, claimed.Ip, claimed.Port.ToString(CultureInfo.InvariantCulture), configEpoch.ToString(CultureInfo.InvariantCulture));
        world.Checker.OnForgedHello(payload);
        world.Trace.Add(world.NowMs, "forger", $"{what}: {payload}");
        Forged++;

        if (random.Next(2) == 0)
        {
            foreach (var sentinel in world.Sentinels) Send(sentinel.HostId, sentinel, ["PUBLISH", "__sentinel__:hello", payload]);
        }
        else
        {
            foreach (var node in groupNodes.Where(n => n.Running)) Send(node.HostId, node, ["PUBLISH", "__sentinel__:hello", payload]);
        }
        return true;
    }

    /// <summary>Asks every sentinel for its vote under a run id no sentinel has.</summary>
    private void AskVotes(string master, string ip, int port, long epoch)
    {
        string runId = InventedRunId();
        world.Trace.Add(world.NowMs, "forger", $"asks for votes for {master} as {runId[..8]} in epoch {epoch}");
        foreach (var sentinel in world.Sentinels)
        {
            Send(sentinel.HostId, sentinel,
                ["SENTINEL", "is-master-down-by-addr", ip, port.ToString(CultureInfo.InvariantCulture), epoch.ToString(CultureInfo.InvariantCulture), runId]);
        }
    }

    private string InventedRunId()
    {
        var chars = new char[40];
        "f0f0".CopyTo(0, chars, 0, 4);
        for (int i = 4; i < chars.Length; i++) chars[i] = "0123456789abcdef"[world.Random.Next(16)];
        return new string(chars);
    }

    private void Send(int serverHost, IConnectionServer server, string[] request) =>
        _requests[world.Network.Connect(hostId, this, serverHost, server)] = request;

    public void OnConnected(SimConnection connection)
    {
        if (_requests.TryGetValue(connection, out var request)) connection.Send(request);
    }

    public void OnConnectFailed(SimConnection connection, string reason) => _requests.Remove(connection);

    public void OnReply(SimConnection connection, RespValue reply)
    {
        if (!_requests.Remove(connection, out var request)) return;
        connection.CloseByClient();
        if (request[0] == "SENTINEL" && reply is RespArray { Items: [RespInteger, RespBulkString leader, RespInteger] } && leader.Text == request[5])
        {
            world.Checker.OnForgedVote(connection.ServerHost, request[5]);
        }
    }

    public void OnClosed(SimConnection connection, string reason) => _requests.Remove(connection);
}
