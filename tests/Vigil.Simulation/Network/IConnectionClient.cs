using Vigil.Resp;

namespace Vigil.Simulation.Network;

/// <summary>The connecting side of simulated connections: a sentinel's links, a writing client, a scripted peer.</summary>
internal interface IConnectionClient
{
    void OnConnected(SimConnection connection);

    /// <summary>Connecting failed: refused (process down) or timed out (no route).</summary>
    void OnConnectFailed(SimConnection connection, string reason);

    void OnReply(SimConnection connection, RespValue reply);

    /// <summary>The server closed the connection, killed it, or the connection was reset.</summary>
    void OnClosed(SimConnection connection, string reason);
}
