using System.Net.Sockets;
using System.Text;

namespace Vigil.Server.Supervision;

/// <summary>
/// The sd_notify protocol without libsystemd: one datagram per message to the Unix socket named by
/// <c>$NOTIFY_SOCKET</c> (a leading '@' names an abstract socket).
/// </summary>
public static class SystemdNotifier
{
    public const string SocketVariable = "NOTIFY_SOCKET";

    /// <summary>Sends <paramref name="message"/>; false (with <paramref name="error"/>) when it could not.</summary>
    public static bool Notify(string message, out string? error)
    {
        string? path = Environment.GetEnvironmentVariable(SocketVariable);
        if (string.IsNullOrEmpty(path))
        {
            error = "NOTIFY_SOCKET not found!";
            return false;
        }
        if (path[0] == '@') path = "\0" + path[1..];
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            socket.Send(Encoding.UTF8.GetBytes(message));
            error = null;
            return true;
        }
        catch (SocketException ex)
        {
            error = $"sd_notify: {ex.Message}";
            return false;
        }
    }
}
