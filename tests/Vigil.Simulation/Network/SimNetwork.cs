using Vigil.Simulation.Scheduling;

namespace Vigil.Simulation.Network;

/// <summary>
/// Hosts, the delay of every direction between them, and the partitions in force. Partitions are counted per
/// direction so overlapping ones (a split plus an isolated host) heal independently. Connections made here
/// follow TCP's shape: a handshake that needs both directions, ordered pipes, FIN behind data, resets.
/// </summary>
internal sealed class SimNetwork
{
    /// <summary>The host's connect timeout (the Vigil host gives up after 5 s).</summary>
    public const long ConnectTimeoutMs = 5000;

    private readonly Random _random;
    private readonly int[,] _blocked;
    private readonly LinkLatency[,] _latency;
    // Per direction: a split network unblocks millions of directions at once, each resuming only its own pipes.
    private readonly Dictionary<(int From, int To), List<Pipe>> _stalled = [];
    private readonly List<SimConnection> _connections = [];
    private int _lastConnectionId;

    public SimNetwork(EventQueue queue, Random random, IReadOnlyList<string> hostNames, NetworkProfile profile)
    {
        Queue = queue;
        _random = random;
        HostNames = hostNames;
        int n = hostNames.Count;
        _blocked = new int[n, n];
        _latency = new LinkLatency[n, n];
        for (int a = 0; a < n; a++)
        {
            for (int b = 0; b < n; b++)
            {
                _latency[a, b] = new LinkLatency
                {
                    BaseMs = random.Next(profile.BaseMinMs, profile.BaseMaxMs + 1),
                    JitterMeanMs = profile.JitterMeanMs,
                    SpikeProbability = profile.SpikeProbability,
                    SpikeMinMs = profile.SpikeMinMs,
                    SpikeMaxMs = profile.SpikeMaxMs,
                };
            }
        }
    }

    public EventQueue Queue { get; }
    public IReadOnlyList<string> HostNames { get; }
    public int HostCount => HostNames.Count;
    public long NowMs => Queue.NowMs;
    public long MessagesDelivered { get; set; }

    public bool CanSend(int fromHost, int toHost) => fromHost == toHost || _blocked[fromHost, toHost] == 0;

    public bool CanTalk(int a, int b) => CanSend(a, b) && CanSend(b, a);

    public bool IsWhole()
    {
        foreach (int count in _blocked)
        {
            if (count != 0) return false;
        }
        return true;
    }

    public long SampleDelayMs(int fromHost, int toHost) => fromHost == toHost ? 0 : _latency[fromHost, toHost].Sample(_random);

    public LinkLatency Latency(int fromHost, int toHost) => _latency[fromHost, toHost];

    public void Block(int fromHost, int toHost)
    {
        if (fromHost != toHost) _blocked[fromHost, toHost]++;
    }

    public void Unblock(int fromHost, int toHost)
    {
        if (fromHost == toHost || _blocked[fromHost, toHost] == 0) return;
        if (--_blocked[fromHost, toHost] > 0) return;
        if (!_stalled.Remove((fromHost, toHost), out var pipes)) return;
        // Latest stalled first: each resume draws a delay, so this order is part of what a seed replays.
        for (int i = pipes.Count - 1; i >= 0; i--)
        {
            if (!pipes[i].IsDead) pipes[i].Resume();
        }
    }

    public void AddStalled(Pipe pipe)
    {
        if (!_stalled.TryGetValue((pipe.FromHost, pipe.ToHost), out var pipes))
        {
            pipes = [];
            _stalled[(pipe.FromHost, pipe.ToHost)] = pipes;
        }
        pipes.Add(pipe);
    }

    /// <summary>How often the Vigil host starts a fresh connection attempt while earlier ones get no answer (its connect race).</summary>
    public const long RacingRetryMs = 250;

    /// <summary>
    /// Starts connecting. The handshake needs both directions: while either is cut, SYNs are retried (1 s, 2 s,
    /// ...; with <paramref name="racing"/>, as the Vigil host's connect race does, every <see cref="RacingRetryMs"/>)
    /// until <see cref="ConnectTimeoutMs"/>; a host whose process is down refuses at once (after a round trip).
    /// </summary>
    public SimConnection Connect(int clientHost, IConnectionClient client, int serverHost, IConnectionServer? server, bool racing = false)
    {
        var connection = new SimConnection(this, ++_lastConnectionId, clientHost, client, serverHost, server);
        _connections.Add(connection);
        long deadline = NowMs + ConnectTimeoutMs;
        Queue.At(NowMs, () => Attempt(connection, deadline, racing ? RacingRetryMs : 1000, racing));
        return connection;
    }

    /// <summary>A random open connection (for reset faults), or null if there is none.</summary>
    public SimConnection? RandomOpenConnection(Random random)
    {
        for (int tries = 0; tries < 16 && _connections.Count > 0; tries++)
        {
            int i = random.Next(_connections.Count);
            var connection = _connections[i];
            if (connection.State == ConnectionState.Open) return connection;
            if (connection.State == ConnectionState.Closed)
            {
                _connections[i] = _connections[^1];
                _connections.RemoveAt(_connections.Count - 1);
            }
        }
        return null;
    }

    /// <summary>
    /// The links of <paramref name="host"/> (null: every link) are fast again: data in flight on them stops waiting
    /// for slow delays.
    /// </summary>
    public void Retime(int? host = null)
    {
        _connections.RemoveAll(c => c.State == ConnectionState.Closed);
        foreach (var connection in _connections)
        {
            if (connection.State != ConnectionState.Open) continue;
            if (host is { } h && connection.ClientHost != h && connection.ServerHost != h) continue;
            connection.ToServer.Retime();
            connection.ToClient.Retime();
        }
    }

    /// <summary>Every open connection touching <paramref name="host"/>.</summary>
    public List<SimConnection> OpenConnectionsOf(int host)
    {
        _connections.RemoveAll(c => c.State == ConnectionState.Closed);
        return _connections.Where(c => c.State == ConnectionState.Open && (c.ClientHost == host || c.ServerHost == host)).ToList();
    }

    private void Attempt(SimConnection connection, long deadlineMs, long retryMs, bool racing)
    {
        if (connection.State != ConnectionState.Connecting) return;
        int client = connection.ClientHost, server = connection.ServerHost;
        if (connection.Server is null || !CanTalk(client, server))
        {
            long next = NowMs + retryMs;
            if (next < deadlineMs)
            {
                Queue.At(next, () => Attempt(connection, deadlineMs, racing ? retryMs : retryMs * 2, racing));
            }
            else
            {
                Queue.At(deadlineMs, () =>
                {
                    if (connection.State != ConnectionState.Connecting) return;
                    if (connection.Server is not null && CanTalk(client, server))
                    {
                        Attempt(connection, deadlineMs, retryMs, racing);
                        return;
                    }
                    connection.State = ConnectionState.Closed;
                    connection.Client.OnConnectFailed(connection, "Connection timed out");
                });
            }
            return;
        }
        long roundTrip = SampleDelayMs(client, server) + SampleDelayMs(server, client);
        if (racing && roundTrip > retryMs && NowMs + retryMs < deadlineMs)
        {
            // The racing host does not wait on a slow handshake either: a fresh attempt starts meanwhile, and the first
            // to complete wins (after a slow link recovers, the fresh one is quick).
            Queue.At(NowMs + retryMs, () => Attempt(connection, deadlineMs, retryMs, racing));
        }
        if (NowMs + roundTrip > deadlineMs)
        {
            Queue.At(deadlineMs, () =>
            {
                if (connection.State != ConnectionState.Connecting) return;
                connection.State = ConnectionState.Closed;
                connection.Client.OnConnectFailed(connection, "Connection timed out");
            });
            return;
        }
        Queue.At(NowMs + roundTrip, () =>
        {
            if (connection.State != ConnectionState.Connecting) return;
            if (!connection.Server.IsListening)
            {
                connection.State = ConnectionState.Closed;
                connection.Client.OnConnectFailed(connection, "Connection refused");
                return;
            }
            connection.State = ConnectionState.Open;
            connection.Server.OnAccepted(connection);
            connection.Client.OnConnected(connection);
        });
    }
}
