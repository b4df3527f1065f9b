using Vigil.Resp;
using Vigil.Simulation.Network;
using Vigil.Simulation.Redis;
using Vigil.Simulation.World;

namespace Vigil.Simulation.Clients;

/// <summary>
/// An application using Sentinel the usual way: ask a sentinel for the master (GET-MASTER-ADDR-BY-NAME), write to
/// it one command at a time, and ask again after any error or disconnect. Every acknowledged write is recorded,
/// so losses across failovers can be counted.
/// </summary>
internal sealed class WriterClient(SimWorld world, int group, int hostId, long intervalMs) : IConnectionClient
{
    /// <summary>Do not pester sentinels more than this often while the master is unknown.</summary>
    private const long QueryRetryMs = 500;

    private RedisAddress? _target;
    private SimConnection? _data;
    private SimConnection? _query;
    private long _inFlightId = -1;
    private long _nextQueryAtMs;

    public int Group { get; } = group;
    public string Name { get; } = $"client-{group}";
    public List<AckedWrite> Acked { get; } = [];
    public long Attempts { get; private set; }
    public long Rejected { get; private set; }

    public void Start() => world.Queue.After(intervalMs, Loop);

    private void Loop()
    {
        world.Queue.After(intervalMs, Loop);
        if (_target is not { } target)
        {
            Resolve();
            return;
        }
        if (_data is null)
        {
            var (server, host) = world.FindServer(target.Host, target.Port, hostId);
            _data = world.Network.Connect(hostId, this, host, server);
            return;
        }
        if (_data.State != ConnectionState.Open || _inFlightId >= 0) return;
        _inFlightId = world.NextWriteId();
        Attempts++;
        _data.Send(["SET", $"w:{_inFlightId}", "v"]);
    }

    private void Resolve()
    {
        if (_query is not null || world.NowMs < _nextQueryAtMs) return;
        _nextQueryAtMs = world.NowMs + QueryRetryMs;
        var sentinel = world.Sentinels[world.Random.Next(world.Sentinels.Count)];
        _query = world.Network.Connect(hostId, this, sentinel.HostId, sentinel);
    }

    public void OnConnected(SimConnection connection)
    {
        if (connection == _query) connection.Send(["SENTINEL", "get-master-addr-by-name", world.Scenario.MasterNames[Group]]);
    }

    public void OnConnectFailed(SimConnection connection, string reason) => OnClosed(connection, reason);

    public void OnReply(SimConnection connection, RespValue reply)
    {
        if (connection == _query)
        {
            if (reply is RespArray { Items: [RespBulkString host, RespBulkString port] } && int.TryParse(port.Text, out int portNumber))
            {
                _target = new RedisAddress(host.Text, portNumber);
            }
            _query = null;
            connection.CloseByClient();
            return;
        }
        if (connection != _data) return;
        long id = _inFlightId;
        _inFlightId = -1;
        if (reply is RespSimpleString { Text: "OK" })
        {
            var node = world.FindRedis(_target!.Value);
            Acked.Add(new AckedWrite(id, node?.Name ?? _target.Value.ToString(), world.NowMs));
            return;
        }
        Rejected++;
        Forget();
    }

    public void OnClosed(SimConnection connection, string reason)
    {
        if (connection == _query) _query = null;
        if (connection == _data) Forget();
    }

    /// <summary>Drop the connection and the address; the next loop asks a sentinel again.</summary>
    private void Forget()
    {
        _data?.CloseByClient();
        _data = null;
        _inFlightId = -1;
        _target = null;
    }
}
