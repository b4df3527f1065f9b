using Vigil.Resp;
using Vigil.Simulation.Network;

namespace Vigil.Simulation.Tests;

/// <summary>A test client: remembers everything that happens to its connections.</summary>
internal sealed class RecordingClient : IConnectionClient
{
    public List<RespValue> Replies { get; } = [];
    public List<string> Closed { get; } = [];
    public List<string> Failed { get; } = [];
    public int Connected { get; private set; }

    public void OnConnected(SimConnection connection) => Connected++;
    public void OnConnectFailed(SimConnection connection, string reason) => Failed.Add(reason);
    public void OnReply(SimConnection connection, RespValue reply) => Replies.Add(reply);
    public void OnClosed(SimConnection connection, string reason) => Closed.Add(reason);
}
