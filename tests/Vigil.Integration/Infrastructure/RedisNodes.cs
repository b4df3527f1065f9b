using System.Globalization;

namespace Vigil.Integration.Infrastructure;

/// <summary>Starts real processes for tests: redis-server, the reference redis-sentinel, and Vigil.</summary>
public static class RedisNodes
{
    public const string RedisServer = "/usr/bin/redis-server";
    public const string RedisSentinel = "/usr/bin/redis-sentinel";

    public static string VigilDll => Path.Combine(AppContext.BaseDirectory, "vigil.dll");

    public static Task<RunningNode> StartRedisAsync(TempDir dir, params string[] extraArgs) =>
        StartRedisOnPortAsync(dir, FreePort.Next(), extraArgs);

    /// <summary>
    /// Starts redis-server on a given port, in that port's directory: with the port of a node that was
    /// stopped, this restarts it in place (same address, same data directory) as a service manager would.
    /// </summary>
    public static async Task<RunningNode> StartRedisOnPortAsync(TempDir dir, int port, params string[] extraArgs)
    {
        var nodeDir = Directory.CreateDirectory(Path.Combine(dir.Path, $"redis-{port}")).FullName;
        string[] args =
        [
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", nodeDir,
            "--save", "", "--appendonly", "no", "--daemonize", "no", "--enable-debug-command", "yes",
            "--logfile", Path.Combine(nodeDir, "redis.log"), .. extraArgs,
        ];
        var process = ManagedProcess.Start(RedisServer, args, nodeDir);
        var node = new RunningNode(process, port, nodeDir);
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
    public static async Task<RunningNode> StartVigilAsync(TempDir dir, IEnumerable<string> configLines, int? port = null, bool waitForPing = true, string? configPath = null)
    {
        var (nodeDir, writtenPath, sentinelPort) = configPath is null
            ? WriteSentinelConfig(dir, "vigil", configLines, port)
            : (Path.GetDirectoryName(configPath)!, configPath, port ?? throw new ArgumentException("a restart needs the port"));
        configPath = writtenPath;
        var process = ManagedProcess.Start("dotnet", [VigilDll, configPath], nodeDir);
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

    public Task<RespTestClient> ConnectAsync() => RespTestClient.ConnectAsync(Port);

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
