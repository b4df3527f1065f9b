using Vigil.Resp;

namespace Vigil.Simulation.Network;

/// <summary>
/// A simulated TCP connection between a client host and a server host: two ordered pipes, a state, and a slot
/// for each side's per-connection data (a sentinel's link id, a Redis client's MULTI queue).
/// </summary>
internal sealed class SimConnection
{
    public SimConnection(SimNetwork network, int id, int clientHost, IConnectionClient client, int serverHost, IConnectionServer? server)
    {
        Network = network;
        Id = id;
        ClientHost = clientHost;
        Client = client;
        ServerHost = serverHost;
        Server = server;
        ToServer = new Pipe(network, clientHost, serverHost, DeliverToServer);
        ToClient = new Pipe(network, serverHost, clientHost, DeliverToClient);
    }

    public SimNetwork Network { get; }
    public int Id { get; }
    public int ClientHost { get; }
    public IConnectionClient Client { get; }
    public int ServerHost { get; }
    public IConnectionServer? Server { get; }
    public Pipe ToServer { get; }
    public Pipe ToClient { get; }
    public ConnectionState State { get; set; } = ConnectionState.Connecting;
    public object? ClientTag { get; set; }
    public object? ServerTag { get; set; }

    /// <summary>Client writes a command. Dropped unless open (a closing connection swallows it, like a socket).</summary>
    public void Send(string[] args)
    {
        if (State == ConnectionState.Open) ToServer.Enqueue(args);
    }

    /// <summary>Server writes a reply or a pushed message.</summary>
    public void Reply(RespValue value)
    {
        if (State == ConnectionState.Open) ToClient.Enqueue(value);
    }

    /// <summary>The client closes: commands already written still arrive, then the server sees the close.</summary>
    public void CloseByClient()
    {
        if (State == ConnectionState.Closed) return;
        bool wasOpen = State == ConnectionState.Open;
        State = ConnectionState.Closed;
        ToClient.Kill();
        if (wasOpen) ToServer.Enqueue(new CloseMarker("client closed"));
    }

    /// <summary>The server closes (CLIENT KILL, process exit): replies already written still arrive, then the close.</summary>
    public void CloseByServer(string reason)
    {
        if (State == ConnectionState.Closed) return;
        State = ConnectionState.Closed;
        ToServer.Kill();
        ToClient.Enqueue(new CloseMarker(reason));
    }

    /// <summary>A reset: everything in flight is lost and both sides learn of it.</summary>
    public void Reset(string reason)
    {
        if (State != ConnectionState.Open) return;
        State = ConnectionState.Closed;
        ToServer.Kill();
        ToClient.Kill();
        Network.Queue.After(Network.SampleDelayMs(ServerHost, ClientHost), () => Client.OnClosed(this, reason));
        Network.Queue.After(Network.SampleDelayMs(ClientHost, ServerHost), () => Server?.OnClientClosed(this));
    }

    private void DeliverToServer(object message)
    {
        switch (message)
        {
            case string[] args: Server?.OnCommand(this, args); break;
            case CloseMarker: Server?.OnClientClosed(this); break;
        }
    }

    private void DeliverToClient(object message)
    {
        switch (message)
        {
            case RespValue value: Client.OnReply(this, value); break;
            case CloseMarker close: Client.OnClosed(this, close.Reason); break;
        }
    }
}
