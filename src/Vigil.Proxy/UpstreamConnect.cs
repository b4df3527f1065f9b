using System.Net;
using System.Net.Sockets;

namespace Vigil.Proxy;

/// <summary>
/// A non-blocking connect to a backend, finished on a <see cref="ForwardingLoop"/>: the socket never passes through
/// .NET's socket engine, whose epoll would otherwise wake for every byte the loop forwards on it.
/// </summary>
public sealed class UpstreamConnect : LoopItem
{
    private readonly int _fd;
    private readonly long _deadlineMs;
    /// <summary>
    /// Completed on the loop's thread, which also runs what the connecting client does next (register the connection,
    /// post it back to the loop): short steps that never block, and one thread-pool hop fewer per new connection.
    /// </summary>
    private readonly TaskCompletionSource<int> _result = new();

    private UpstreamConnect(int fd, long deadlineMs)
    {
        _fd = fd;
        _deadlineMs = deadlineMs;
    }

    /// <summary>The connected descriptor, or -1 when the backend refused, failed or did not answer within <paramref name="timeout"/>.</summary>
    public static async Task<int> ConnectAsync(HostPort address, ForwardingLoop loop, TimeSpan timeout, CancellationToken stop)
    {
        try
        {
            var ip = IPAddress.TryParse(address.Host, out var parsed) ? parsed
                : (await Dns.GetHostAddressesAsync(address.Host, stop).ConfigureAwait(false)).First();
            var (fd, inProgress) = LinuxSockets.StartConnect(new IPEndPoint(ip, address.Port));
            if (!inProgress) return fd;
            var connect = new UpstreamConnect(fd, Environment.TickCount64 + (long)timeout.TotalMilliseconds);
            loop.Post(connect);
            return await connect._result.Task.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or InvalidOperationException)
        {
            return -1;
        }
    }

    internal override void Attach(ForwardingLoop loop)
    {
        if (!loop.Register(this, _fd, 0, LinuxSockets.EpollOut))
        {
            Finish(loop, connected: false, registered: false);
            return;
        }
        loop.Time(this);
    }

    internal override void OnEvent(ForwardingLoop loop, uint events, int side) =>
        Finish(loop, connected: (events & LinuxSockets.EpollOut) != 0 && LinuxSockets.PendingError(_fd) == 0, registered: true);

    internal override bool Expire(ForwardingLoop loop, long nowMs)
    {
        if (nowMs < _deadlineMs) return false;
        Finish(loop, connected: false, registered: true);
        return true;
    }

    internal override void Abandon(ForwardingLoop loop) => Finish(loop, connected: false, registered: Slot >= 0);

    private void Finish(ForwardingLoop loop, bool connected, bool registered)
    {
        if (registered) loop.Unregister(_fd);
        loop.Release(this);
        if (!connected) LinuxSockets.Close(_fd);
        _result.TrySetResult(connected ? _fd : -1);
    }
}
