using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Vigil.Integration.Infrastructure;
using Vigil.Resp;

namespace Vigil.Integration.Host;

/// <summary>
/// The redis.conf directives about the process itself, on a real Vigil process: unixsocket, bind "", protected
/// mode, supervised systemd, syslog, daemonize.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ProcessDirectiveTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A datagram socket standing in for $NOTIFY_SOCKET or /dev/log; collects what arrives.</summary>
    private sealed class DatagramSink : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        private readonly List<string> _received = [];
        private readonly Task _reading;

        public DatagramSink(string path)
        {
            Path = path;
            _socket.Bind(new UnixDomainSocketEndPoint(path));
            _reading = Task.Run(ReadAsync);
        }

        public string Path { get; }

        public IReadOnlyList<string> Received
        {
            get { lock (_received) return [.. _received]; }
        }

        private async Task ReadAsync()
        {
            var buffer = new byte[65536];
            try
            {
                while (true)
                {
                    int n = await _socket.ReceiveAsync(buffer).ConfigureAwait(false);
                    lock (_received) _received.Add(Encoding.UTF8.GetString(buffer, 0, n));
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException) { }
        }

        public void Dispose()
        {
            _socket.Dispose();
            _reading.Wait(TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public async Task AUnixSocketServesClientsAndBindEmptyOpensNoTcpPort()
    {
        string path = Path.Combine(_dir.Path, "vigil.sock");
        using var vigil = await RedisNodes.StartVigilAsync(_dir, ["bind \"\"", $"unixsocket {path}", "unixsocketperm 700"], waitForPing: false);
        await Wait.UntilAsync(() => File.Exists(path), TimeSpan.FromSeconds(20), "the Unix socket");

        var ping = await Cli.RunAsync("redis-cli", ["-s", path, "ping"], TimeSpan.FromSeconds(30));
        Assert.Equal("PONG", ping.Stdout.Trim());
        await using (var client = await RespTestClient.ConnectUnixAsync(path))
        {
            var info = ((RespBulkString)await client.CallAsync("CLIENT", "INFO")).Text;
            Assert.Contains($"addr=/unixsocket:0 laddr={path}:0 ", info, StringComparison.Ordinal);
            Assert.Contains(" flags=U ", info, StringComparison.Ordinal);
        }
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(path));
        await Assert.ThrowsAnyAsync<SocketException>(() => RespTestClient.ConnectAsync(vigil.Port));

        await Cli.RunAsync("redis-cli", ["-s", path, "shutdown"], TimeSpan.FromSeconds(30));
        Assert.Equal(0, await vigil.Process.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task ProtectedModeRefusesNonLocalClientsEvenWithBindSet()
    {
        using var vigil = await RedisNodes.StartVigilAsync(_dir, ["protected-mode yes"]);
        await using (var local = await vigil.ConnectAsync())
        {
            Assert.Equal(new RespSimpleString("PONG"), await local.CallAsync("PING"));
        }
        // 127.0.0.2 is a loopback address, but Redis counts only 127.0.0.1 and ::1 as local.
        await using var remote = await RespTestClient.ConnectFromAsync(IPAddress.Parse("127.0.0.2"), vigil.Port);
        var denied = Assert.IsType<RespError>(await remote.ReadAsync(TimeSpan.FromSeconds(10)));
        Assert.StartsWith("DENIED Redis is running in protected mode", denied.Text, StringComparison.Ordinal);
        Assert.True(await remote.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task ProtectedModeLetsEveryoneInWhenTheDefaultUserHasAPassword()
    {
        using var vigil = await RedisNodes.StartVigilAsync(_dir, ["protected-mode yes", "requirepass secret"], waitForPing: false);
        await Wait.UntilAsync(async () =>
        {
            await using var probe = await RespTestClient.ConnectAsync(vigil.Port);
            return true;
        }, TimeSpan.FromSeconds(20), "the listener");
        await using var remote = await RespTestClient.ConnectFromAsync(IPAddress.Parse("127.0.0.2"), vigil.Port);
        Assert.Equal(RespValue.Ok, await remote.CallAsync("AUTH", "secret"));
        Assert.Equal(new RespSimpleString("PONG"), await remote.CallAsync("PING"));
    }

    [Fact]
    public async Task SupervisedSystemdReportsReadyAndStopping()
    {
        using var notify = new DatagramSink(Path.Combine(_dir.Path, "notify.sock"));
        using var vigil = await RedisNodes.StartVigilAsync(_dir, ["supervised systemd"],
            environment: new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notify.Path });
        await Wait.UntilAsync(() => notify.Received.Contains("READY=1\n"), TimeSpan.FromSeconds(10), "READY=1");
        Assert.Equal(["STATUS=Sentinel is loading...\n", "STATUS=Ready to accept connections\n", "READY=1\n"], notify.Received);

        await Cli.RedisCliAsync(vigil.Port, "shutdown");
        Assert.Equal(0, await vigil.Process.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal("STOPPING=1\n", notify.Received[^1]);
    }

    [Fact]
    public async Task SupervisedAutoWithoutASupervisorSendsNothingAndRuns()
    {
        using var vigil = await RedisNodes.StartVigilAsync(_dir, ["supervised auto"]);
        Assert.Equal("PONG", (await Cli.RedisCliAsync(vigil.Port, "ping")).Stdout.Trim());
        Assert.Equal("", vigil.Process.Stderr);
    }

    [Fact]
    public async Task SyslogLinesArriveWithIdentFacilityAndLevel()
    {
        using var syslog = new DatagramSink(Path.Combine(_dir.Path, "log.sock"));
        using var vigil = await RedisNodes.StartVigilAsync(_dir,
            ["syslog-enabled yes", "syslog-ident vigil-test", "syslog-facility local3", "sentinel monitor mymaster 127.0.0.1 6 2"],
            environment: new Dictionary<string, string> { ["VIGIL_SYSLOG_SOCKET"] = syslog.Path });

        // local3 = 19: warning (4) is <156>, notice (5) is <157>.
        string pid = vigil.Process.Pid.ToString(CultureInfo.InvariantCulture);
        await Wait.UntilAsync(() => syslog.Received.Any(l => l.Contains("+monitor master mymaster", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), "the +monitor line on syslog");
        var monitor = syslog.Received.First(l => l.Contains("+monitor master mymaster", StringComparison.Ordinal));
        Assert.Matches(@$"^<156>[A-Z][a-z]{{2}} [ \d]\d \d\d:\d\d:\d\d vigil-test\[{pid}\]: \+monitor master mymaster 127\.0\.0\.1 6 quorum 2$", monitor);
        Assert.Contains(syslog.Received, l => l.StartsWith("<157>", StringComparison.Ordinal) && l.Contains("running in sentinel mode", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DaemonizeReturnsAndTheDaemonWritesItsPidfile()
    {
        int port = FreePort.Next();
        string nodeDir = Directory.CreateDirectory(Path.Combine(_dir.Path, "daemon")).FullName;
        string config = Path.Combine(nodeDir, "sentinel.conf");
        string pidFile = Path.Combine(nodeDir, "vigil.pid");
        File.WriteAllLines(config, [$"port {port}", "bind 127.0.0.1", "daemonize yes", $"pidfile {pidFile}", "logfile vigil.log"]);

        var started = await Cli.RunAsync("dotnet", [RedisNodes.VigilDll, config], TimeSpan.FromSeconds(30), nodeDir);
        Assert.Equal(0, started.ExitCode);
        int daemonPid = 0;
        try
        {
            await Wait.UntilAsync(() => File.Exists(pidFile) && File.ReadAllText(pidFile).EndsWith('\n'), TimeSpan.FromSeconds(20), "the pidfile");
            daemonPid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
            string commandLine = File.ReadAllText($"/proc/{daemonPid}/cmdline").Replace('\0', ' ');
            Assert.Contains(RedisNodes.VigilDll, commandLine, StringComparison.Ordinal);
            Assert.Equal("PONG", (await Cli.RedisCliAsync(port, "ping")).Stdout.Trim());
            // Detached: its own session, standard streams on /dev/null.
            Assert.Equal(daemonPid.ToString(CultureInfo.InvariantCulture), File.ReadAllText($"/proc/{daemonPid}/stat").Split(' ')[5]);
            Assert.Equal("/dev/null", new FileInfo($"/proc/{daemonPid}/fd/1").LinkTarget);

            using var daemon = Process.GetProcessById(daemonPid);
            daemon.Kill(entireProcessTree: false); // SIGKILL of that PID: the test stops what it started
            await Wait.UntilAsync(() => !Directory.Exists($"/proc/{daemonPid}") || File.ReadAllText($"/proc/{daemonPid}/stat").Split(' ')[2] == "Z",
                TimeSpan.FromSeconds(10), "the daemon to end");
            daemonPid = 0;
        }
        finally
        {
            if (daemonPid != 0)
            {
                try { using var leftover = Process.GetProcessById(daemonPid); leftover.Kill(); } catch (ArgumentException) { }
            }
        }
    }
}
