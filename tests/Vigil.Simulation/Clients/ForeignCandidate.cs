using System.Globalization;
using Vigil.Resp;
using Vigil.Simulation.Network;
using Vigil.Simulation.World;

namespace Vigil.Simulation.Clients;

/// <summary>
/// A scripted would-be leader from outside the group (a misbehaving or foreign sentinel): it asks every sentinel
/// for its vote with <c>SENTINEL is-master-down-by-addr ... &lt;epoch&gt; &lt;its run id&gt;</c>, as a candidate does,
/// and counts the answers. Two of them asking in the same epoch race for the real cores' single vote; a majority
/// for both would break election safety, so a candidate that collects one is reported to the checker.
/// </summary>
internal sealed class ForeignCandidate(SimWorld world, string runId, int hostId) : IConnectionClient
{
    private readonly Dictionary<SimConnection, string[]> _requests = [];
    private readonly HashSet<(string Master, long Epoch)> _reported = [];
    private readonly Dictionary<(string Master, long Epoch), HashSet<string>> _votes = [];

    public string RunId { get; } = runId;
    public long Requests { get; private set; }

    /// <summary>Asks every sentinel (in random order, each over its own connection) for a vote in <paramref name="epoch"/>.</summary>
    public void RequestVotes(string master, string masterIp, int masterPort, long epoch)
    {
        var order = world.Sentinels.OrderBy(_ => world.Random.Next()).ToList();
        foreach (var sentinel in order)
        {
            var connection = world.Network.Connect(hostId, this, sentinel.HostId, sentinel);
            _requests[connection] =
            [
                "SENTINEL", "is-master-down-by-addr", masterIp, masterPort.ToString(CultureInfo.InvariantCulture),
                epoch.ToString(CultureInfo.InvariantCulture), RunId, master,
            ];
        }
        world.Trace.Add(world.NowMs, $"candidate-{RunId[..4]}", $"asks for votes for {master} at {masterIp}:{masterPort} in epoch {epoch}");
    }

    public void OnConnected(SimConnection connection)
    {
        if (!_requests.TryGetValue(connection, out var request)) return;
        Requests++;
        connection.Send(request[..6]);
    }

    public void OnConnectFailed(SimConnection connection, string reason) => _requests.Remove(connection);

    public void OnReply(SimConnection connection, RespValue reply)
    {
        if (!_requests.Remove(connection, out var request)) return;
        connection.CloseByClient();
        if (reply is not RespArray { Items: [RespInteger, RespBulkString leader, RespInteger epoch] }) return;
        if (leader.Text != RunId || epoch.Value != long.Parse(request[4], CultureInfo.InvariantCulture)) return;
        var key = (request[6], epoch.Value);
        if (!_votes.TryGetValue(key, out var voters)) _votes[key] = voters = [];
        voters.Add(connection.ServerHost.ToString(CultureInfo.InvariantCulture));
        if (voters.Count >= world.Sentinels.Count / 2 + 1 && _reported.Add(key))
        {
            world.Trace.Add(world.NowMs, $"candidate-{RunId[..4]}", $"collected a majority ({voters.Count}) for {key.Item1} in epoch {key.Item2}");
            world.Checker.OnForeignWinner(RunId, key.Item1, key.Item2);
        }
    }

    public void OnClosed(SimConnection connection, string reason) => _requests.Remove(connection);
}
