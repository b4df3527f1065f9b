namespace Vigil.Simulation.Network;

/// <summary>The accepting side of simulated connections: a Redis node or a sentinel's listener.</summary>
internal interface IConnectionServer
{
    /// <summary>False while the process is down: connection attempts are refused.</summary>
    bool IsListening { get; }

    void OnAccepted(SimConnection connection);

    void OnCommand(SimConnection connection, string[] args);

    /// <summary>The client closed its end (or vanished); the connection is gone.</summary>
    void OnClientClosed(SimConnection connection);
}
