using System.Globalization;

namespace Vigil.Integration.Infrastructure;

/// <summary>Starts real processes for tests: redis-server, the reference redis-sentinel, and Vigil.</summary>
public static class RedisNodes
{
    public const string RedisServer = "/usr/bin/redis-server";
    public const string RedisSentinel = "/usr/bin/redis-sentinel";

    public static string VigilDll => Path.Combine(AppContext.BaseDirectory, "vigil.dll");

    /// <summary>
    /// The NativeAOT binary named by <c>VIGIL_BIN</c> (what users run; scripts/test.sh publishes it first), or null
    /// to run the framework-dependent build beside the tests. A <c>VIGIL_BIN</c> naming nothing fails every test
    /// that starts Vigil rather than quietly testing something else.
    /// </summary>
    public static string? VigilBinary { get; } = PublishedBinary();

    private static string? PublishedBinary()
    {
        string? path = Environment.GetEnvironmentVariable("VIGIL_BIN");
        if (string.IsNullOrEmpty(path)) return null;
        path = Path.GetFullPath(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"VIGIL_BIN names {path}, which does not exist", path);
        return path;
    }

    /// <summary>The program and arguments that run Vigil with <paramref name="args"/>.</summary>
    public static (string FileName, string[] Args) VigilCommand(IEnumerable<string> args) =>
        VigilBinary is { } binary ? (binary, [.. args]) : ("dotnet", [VigilDll, .. args]);

    /// <summary>The same as one shell word list, for runners that take a command line.</summary>
    public static string VigilCommandLine => VigilBinary ?? $"dotnet {VigilDll}";

    public static Task<RunningNode> StartRedisAsync(TempDir dir, params string[] extraArgs) =>
        StartRedisOnPortAsync(dir, FreePort.Next(), extraArgs);

    /// <summary>
    /// Starts redis-server on a given port, in that port's directory: with the port of a node that was
    /// stopped, this restarts it in place (same address, same data directory) as a service manager would.
    /// </summary>
    /// <param name="tls">Set: a TLS-only node (its port is the TLS port), replicating over TLS.</param>
    public static async Task<RunningNode> StartRedisOnPortAsync(TempDir dir, int port, string[] extraArgs, TestCertificates? tls = null)
    {
        var nodeDir = Directory.CreateDirectory(Path.Combine(dir.Path, $"redis-{port}")).FullName;
        string[] args =
        [
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", nodeDir,
            "--save", "", "--appendonly", "no", "--daemonize", "no", "--enable-debug-command", "yes",
            "--logfile", Path.Combine(nodeDir, "redis.log"), .. tls?.RedisArgs(port) ?? [], .. extraArgs,
        ];
        var process = ManagedProcess.Start(RedisServer, args, nodeDir);
        var node = new RunningNode(process, port, nodeDir) { Tls = tls };
        try
        {
            await node.WaitForPingAsync().ConfigureAwait(false);
        }
        catch
        {
            // Nobody else holds the node yet: a server that never answered must not outlive the test.
            node.Dispose();
            throw;
        }
        return node;
    }

    /// <summary>Writes sentinel.conf with the given lines (plus port/bind) and starts Vigil on it.</summary>
    /// <summary>With <paramref name="configPath"/>, restarts on an existing config instead of writing one.</summary>
    /// <summary><paramref name="options"/> go before the config path (e.g. <c>--config-rewrite</c>, <c>--compat 7.4</c>).</summary>
    public static async Task<RunningNode> StartVigilAsync(TempDir dir, IEnumerable<string> configLines, int? port = null, bool waitForPing = true, string? configPath = null, string[]? options = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var (nodeDir, writtenPath, sentinelPort) = configPath is null
            ? WriteSentinelConfig(dir, "vigil", configLines, port)
            : (Path.GetDirectoryName(configPath)!, configPath, port ?? throw new ArgumentException("a restart needs the port"));
        configPath = writtenPath;
        var (program, args) = VigilCommand([.. options ?? [], configPath]);
        var process = ManagedProcess.Start(program, args, nodeDir, environment);
        var node = new RunningNode(process, sentinelPort, nodeDir) { ConfigPath = configPath };
        if (waitForPing) await node.WaitForPingAsync().ConfigureAwait(false);
        return node;
    }

    public static async Task<RunningNode> StartReferenceSentinelAsync(TempDir dir, IEnumerable<string> configLines, int? port = null)
    {
        var (nodeDir, configPath, sentinelPort) = WriteSentinelConfig(dir, "ref", configLines, port);
        var process = ManagedProcess.Start(RedisSentinel, [configPath], nodeDir);
        var node = new RunningNode(process, sentinelPort, nodeDir) { ConfigPath = configPath };
        await node.WaitForPingAsync().ConfigureAwait(false);
        return node;
    }

    private static (string Dir, string ConfigPath, int Port) WriteSentinelConfig(TempDir dir, string kind, IEnumerable<string> lines, int? port)
    {
        var sentinelPort = port ?? FreePort.Next();
        var nodeDir = Directory.CreateDirectory(Path.Combine(dir.Path, $"{kind}-sentinel-{sentinelPort}")).FullName;
        var configPath = Path.Combine(nodeDir, "sentinel.conf");
        File.WriteAllLines(configPath, [$"port {sentinelPort}", "bind 127.0.0.1", .. lines]);
        return (nodeDir, configPath, sentinelPort);
    }
}

public sealed class RunningNode(ManagedProcess process, int port, string directory) : IDisposable
{
    public ManagedProcess Process { get; } = process;
    public int Port { get; } = port;
    public string Directory { get; } = directory;
    public string? ConfigPath { get; init; }

    /// <summary>Set for a node reached over TLS only.</summary>
    public TestCertificates? Tls { get; init; }

    /// <summary>The address it listens on (127.0.0.1 unless it stands on a partition test's box).</summary>
    public string Host { get; init; } = "127.0.0.1";

    public Task<RespTestClient> ConnectAsync() => RespTestClient.ConnectAsync(Host, Port, tls: Tls);

    public async Task WaitForPingAsync()
    {
        await Wait.UntilAsync(async () =>
        {
            if (Process.HasExited) throw new InvalidOperationException($"process exited with {Process.ExitCode}: {Process.Stdout}{Process.Stderr}");
            await using var client = await ConnectAsync().ConfigureAwait(false);
            var reply = await client.CallAsync("PING").ConfigureAwait(false);
            return reply is Vigil.Resp.RespSimpleString { Text: "PONG" };
        }, TimeSpan.FromSeconds(20), $"PING answered on port {Port}").ConfigureAwait(false);
    }

    /// <summary>kill -9, then waits until the process is gone; unlike <see cref="Dispose"/> it can still be asked whether it exited.</summary>
    public async Task KillAsync()
    {
        Process.Signal("KILL");
        await Process.WaitForExitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }

    public void Dispose() => Process.Dispose();
}
