using Vigil.Resp;
using Vigil.Simulation.Network;

namespace Vigil.Simulation.Tests;

/// <summary>A test server: answers every command with its first word, in order of arrival.</summary>
internal sealed class EchoServer : IConnectionServer
{
    public bool IsListening { get; set; } = true;
    public List<string> Received { get; } = [];
    public int ClientsClosed { get; private set; }

    public void OnAccepted(SimConnection connection) { }

    public void OnCommand(SimConnection connection, string[] args)
    {
        Received.Add(args[0]);
        connection.Reply(RespValue.Bulk(args[0]));
    }

    public void OnClientClosed(SimConnection connection) => ClientsClosed++;
}
