using System.Globalization;
using Vigil.Integration.Infrastructure;
using Vigil.Resp;

namespace Vigil.Integration.Proxy;

/// <summary>A running <c>vigil proxy</c> (the built vigil.dll) on a free port, stopped with the test.</summary>
internal sealed class ProxyProcess : IDisposable
{
    private ProxyProcess(ManagedProcess process, int port, int? replicasPort)
    {
        Process = process;
        Port = port;
        ReplicasPort = replicasPort;
    }

    public ManagedProcess Process { get; }
    public int Port { get; }
    public int? ReplicasPort { get; }

    /// <summary>What the proxy logged so far (its event lines go to stderr).</summary>
    public string Log => Process.Stderr;

    public static ProxyProcess Start(TempDir dir, IEnumerable<int> sentinelPorts, bool replicas = false, params string[] extra)
    {
        var port = FreePort.Next();
        int? replicasPort = replicas ? FreePort.Next() : null;
        var args = new List<string> { RedisNodes.VigilDll, "proxy", "--listen", $"127.0.0.1:{port}", "--master-name", Topology.MasterName };
        foreach (var sentinel in sentinelPorts) args.AddRange(["--sentinel", $"127.0.0.1:{sentinel.ToString(CultureInfo.InvariantCulture)}"]);
        if (replicasPort is { } r) args.AddRange(["--replicas-listen", $"127.0.0.1:{r.ToString(CultureInfo.InvariantCulture)}"]);
        args.AddRange(extra);
        return new ProxyProcess(ManagedProcess.Start("dotnet", args, dir.Path), port, replicasPort);
    }

    /// <summary>Waits until a PING through the proxy is answered by a master.</summary>
    public Task WaitForwardingAsync(TimeSpan timeout) =>
        Wait.UntilAsync(async () =>
        {
            if (Process.HasExited) throw new InvalidOperationException($"proxy exited with {Process.ExitCode}: {Log}");
            await using var client = await RespTestClient.ConnectAsync(Port);
            return await client.CallAsync("PING") is RespSimpleString { Text: "PONG" };
        }, timeout, $"PING answered through the proxy on {Port}; proxy log: {Log}");

    public void Dispose() => Process.Dispose();
}
