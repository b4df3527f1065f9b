using System.Net;
using System.Net.Sockets;

namespace Vigil.Demo;

/// <summary>Free loopback ports, never Redis's defaults 6379/26379 and never the same one twice.</summary>
internal sealed class FreePorts
{
    private readonly HashSet<int> _given = [];

    public int Next()
    {
        while (true)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            if (port is not (6379 or 26379) && _given.Add(port)) return port;
        }
    }
}
