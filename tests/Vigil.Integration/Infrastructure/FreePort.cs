using System.Net;
using System.Net.Sockets;

namespace Vigil.Integration.Infrastructure;

/// <summary>Free loopback ports for test processes, never 6379/26379 and never handed out twice in a run.</summary>
public static class FreePort
{
    private static readonly HashSet<int> Given = [];

    public static int Next()
    {
        lock (Given)
        {
            while (true)
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
                if (port is 6379 or 26379 || !Given.Add(port)) continue;
                return port;
            }
        }
    }
}
