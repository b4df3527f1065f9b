using System.Net;
using System.Net.Sockets;
using System.Text;
using Vigil.Server.Clients;

namespace Vigil.Server.Net;

/// <summary>
/// Accepts clients on every configured <c>bind</c> address (none with <c>bind ""</c>), on <c>port</c> and on
/// <c>tls-port</c>, and on the <c>unixsocket</c>, and starts a session for each (a TLS one begins with its handshake).
/// </summary>
public sealed class Listener(ServerContext server)
{
    private static readonly byte[] MaxClientsReached = Encoding.ASCII.GetBytes("-ERR max number of clients reached\r\n");
    private static readonly byte[] ProtectedModeDenied = Encoding.ASCII.GetBytes(
        "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. " +
        "In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: " +
        "1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. " +
        "2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. " +
        "3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. " +
        "4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n");

    private readonly List<(Socket Socket, bool Tls)> _sockets = [];
    private readonly List<Task> _sessions = [];

    /// <summary>
    /// Binds every address; a leading '-' marks an address whose failure is tolerated, as in Redis. Then the Unix
    /// socket. Listening nowhere at all is an error, as in Redis.
    /// </summary>
    public void Bind()
    {
        var options = server.Config.Server;
        // As in the reference, port 0 opens no plain TCP port: TLS only with a TLS port, else only the Unix socket.
        if (options.Port != 0) Bind(options.Port, tls: false);
        if (options.Tls.TlsPort != 0) Bind(options.Tls.TlsPort, tls: true);
        if (options.UnixSocket is { } path) BindUnixSocket(path, options.UnixSocketPerm);
        WarnIfBacklogCapped(options.TcpBacklog);
        if (_sockets.Count == 0) throw new InvalidOperationException("Configured to not listen anywhere, exiting.");
    }

    private void Bind(int port, bool tls)
    {
        var options = server.Config.Server;
        IReadOnlyList<string> addresses = options.TcpListenerDisabled ? [] : options.Bind.Count > 0 ? options.Bind : ["*", "-::*"];
        foreach (var entry in addresses)
        {
            var optional = entry.StartsWith('-');
            var text = optional ? entry[1..] : entry;
            var address = text switch
            {
                "*" => IPAddress.Any,
                "::*" => IPAddress.IPv6Any,
                _ => IPAddress.Parse(text),
            };
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                if (address.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = false;
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(new IPEndPoint(address, port));
                socket.Listen(options.TcpBacklog);
                _sockets.Add((socket, tls));
            }
            catch (SocketException ex) when (optional || ex.SocketErrorCode == SocketError.AddressFamilyNotSupported)
            {
                socket.Dispose();
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }

    /// <summary>The kernel silently caps the listen queue at somaxconn; the reference says so at start, and so does Vigil.</summary>
    private void WarnIfBacklogCapped(int backlog)
    {
        try
        {
            var somaxconn = int.Parse(File.ReadAllText("/proc/sys/net/core/somaxconn").Trim(), System.Globalization.CultureInfo.InvariantCulture);
            if (somaxconn > 0 && somaxconn < backlog)
            {
                server.Log.Warning($"WARNING: The TCP backlog setting of {backlog} cannot be enforced because /proc/sys/net/core/somaxconn is set to the lower value of {somaxconn}.");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
        }
    }

    /// <summary>As Redis: a file left at the path is removed first; <c>unixsocketperm</c> (if not 0) sets its mode.</summary>
    private void BindUnixSocket(string path, int permissions)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            if (permissions != 0 && !OperatingSystem.IsWindows()) File.SetUnixFileMode(path, (UnixFileMode)permissions);
            socket.Listen(server.Config.Server.TcpBacklog);
            _sockets.Add((socket, false));
            _unixSocketPath = path;
        }
        catch (Exception ex) when (ex is SocketException or IOException or UnauthorizedAccessException)
        {
            socket.Dispose();
            throw new InvalidOperationException($"Failed opening Unix socket: {ex.Message}", ex);
        }
    }

    private string? _unixSocketPath;

    /// <summary>The plain TCP port listened on (0 when only TLS is served).</summary>
    public int BoundPort =>
        _sockets.Where(s => !s.Tls).Select(s => s.Socket.LocalEndPoint).OfType<IPEndPoint>().FirstOrDefault() is { } ip ? ip.Port : server.Config.Server.Port;

    public Task RunAsync(CancellationToken stopping) =>
        Task.WhenAll(_sockets.Select(s => AcceptLoopAsync(s.Socket, s.Tls, stopping)));

    private async Task AcceptLoopAsync(Socket listening, bool tls, CancellationToken stopping)
    {
        using var registration = stopping.Register(listening.Dispose);
        var backoff = new AcceptBackoff();
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listening.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex) when (AcceptBackoff.IsResourceShortage(ex))
            {
                int delayMs = backoff.NextDelayMs(out bool episodeStarted);
                if (episodeStarted)
                {
                    server.Log.Warning($"Error accepting a client connection: {ex.Message} (not accepting for a while; connected clients are still served)");
                }
                try
                {
                    await Task.Delay(delayMs, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                continue;
            }
            catch (SocketException)
            {
                continue; // the connection was reset before we took it
            }
            if (backoff.Recovered()) server.Log.Notice("Accepting client connections again");
            Admit(client, tls, stopping);
        }
    }

    private void Admit(Socket client, bool tls, CancellationToken stopping)
    {
        if (client.AddressFamily != AddressFamily.Unix) client.NoDelay = true;
        if (IsDeniedByProtectedMode(client))
        {
            Reject(client, tls ? null : ProtectedModeDenied);
            return;
        }
        var session = new ClientSession(server.Clients.NextId(), client, server, server.Clock.NowMs, tls ? server.Tls : null);
        if (!server.Clients.TryAdd(session))
        {
            Reject(client, tls ? null : MaxClientsReached);
            return;
        }
        lock (_sessions)
        {
            _sessions.RemoveAll(t => t.IsCompleted);
            _sessions.Add(Task.Run(() => session.RunAsync(stopping), CancellationToken.None));
        }
    }

    /// <summary>
    /// The Redis 7.0 rule: with protected mode on and a default user without password, only local clients get in
    /// (the Unix socket, 127.0.0.1 and ::1 exactly), whatever <c>bind</c> says. A sentinel has it off unless the
    /// config turns it on.
    /// </summary>
    private bool IsDeniedByProtectedMode(Socket client)
    {
        if (!server.Config.Server.ProtectedMode || !server.Acl.Default.NoPass) return false;
        if (client.AddressFamily == AddressFamily.Unix) return false;
        if (client.RemoteEndPoint is not IPEndPoint remote) return true;
        var address = remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;
        return !address.Equals(IPAddress.Loopback) && !address.Equals(IPAddress.IPv6Loopback);
    }

    // A TLS client is not told why: the words would have to wait for a handshake it may never finish.
    private static void Reject(Socket client, byte[]? message)
    {
        if (message is not null)
        {
            try { client.Send(message); } catch (SocketException) { }
        }
        client.Dispose();
    }

    public async Task StopAsync()
    {
        foreach (var (socket, _) in _sockets) socket.Dispose();
        if (_unixSocketPath is not null)
        {
            try { File.Delete(_unixSocketPath); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        foreach (var session in server.Clients.All) session.Close();
        Task[] sessions;
        lock (_sessions) sessions = [.. _sessions];
        try { await Task.WhenAll(sessions).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); }
        catch (TimeoutException) { }
    }
}
