using System.Net.Sockets;
using System.Runtime.InteropServices;
using Vigil.Http;
using Vigil.Tls;

namespace Vigil.Proxy;

/// <summary>Runs <c>vigil proxy</c>: binds its ports, follows the sentinels, forwards until SIGTERM/SIGINT.</summary>
public sealed class ProxyHost(ProxyOptions options, ProxyLog log)
{
    /// <summary>How often connections are checked for clients that stopped reading.</summary>
    private const int StallSweepMs = 250;

    private readonly ProxyCounters _counters = new();
    private readonly ConnectionRegistry _connections = new();

    public ProxyCounters Counters => _counters;

    /// <summary>Exit code: 0 after a signal, 1 when a port cannot be bound or a TLS or token file cannot be used.</summary>
    public async Task<int> RunAsync(CancellationToken stop)
    {
        TlsContext? tls;
        try
        {
            tls = options.Tls is { } tlsOptions ? TlsContext.Load(tlsOptions) : null;
        }
        catch (TlsConfigurationException ex)
        {
            log.Write($"error: --tls: {ex.Message}");
            return 1;
        }
        Socket masterSocket;
        Socket? replicaSocket = null;
        try
        {
            masterSocket = ProxyListener.Bind(options.Listen);
        }
        catch (SocketException ex)
        {
            log.Write($"error: cannot listen on {options.Listen} (--listen): {ex.Message}");
            return 1;
        }
        if (options.ReplicasListen is { } replicasAddress)
        {
            try
            {
                replicaSocket = ProxyListener.Bind(replicasAddress);
            }
            catch (SocketException ex)
            {
                masterSocket.Dispose();
                log.Write($"error: cannot listen on {replicasAddress} (--replicas-listen): {ex.Message}");
                return 1;
            }
        }

        MetricsEndpoint? metrics = null;
        if (options.Http is { } httpAddress)
        {
            try
            {
                metrics = MetricsEndpoint.Start(httpAddress, options.HttpTokenFile, new ProxyMetrics(_counters, options.MasterName).Registry,
                    warning => log.Write($"warning: {warning}"));
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException)
            {
                masterSocket.Dispose();
                replicaSocket?.Dispose();
                log.Write($"error: cannot serve metrics on {httpAddress} (--http): {ex.Message}");
                return 1;
            }
            log.Write($"metrics on http://{new Vigil.Sentinel.Config.HttpEndpointAddress(httpAddress.Address, metrics.Port)}/metrics" +
                (options.HttpTokenFile is null ? "" : " (bearer token required)"));
        }
        await using var metricsEndpoint = metrics;

        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(stop);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            shutdown.Cancel();
        }
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

        var access = new ControlAccess(options.User, options.Password, tls);
        var tracker = new MasterTracker(options, access, log, _counters, _connections);
        var replicas = replicaSocket is null ? null : new ReplicaPool(log, _connections);
        var watcher = new SentinelWatcher(options, access, log, tracker, replicas);
        var failoverWait = TimeSpan.FromMilliseconds(options.FailoverWaitMs);
        using var loops = new ForwardingLoops(options.IoThreads);
        log.Write($"vigil proxy for '{options.MasterName}' listening on {options.Listen} (master)" +
            (options.ReplicasListen is { } r ? $" and {r} (replicas)" : "") +
            $"; following sentinels {string.Join(", ", options.Sentinels)}");
        var tasks = new List<Task>
        {
            watcher.RunAsync(shutdown.Token),
            tracker.RunRoleChecksAsync(shutdown.Token),
            SweepStalledAsync(shutdown.Token),
            new ProxyListener(masterSocket, "master", cancel => tracker.WaitForMasterAsync(failoverWait, cancel),
                options, log, _counters, _connections, loops).RunAsync(shutdown.Token),
        };
        if (replicaSocket is not null)
        {
            // No healthy replica: reads go to the master rather than nowhere.
            tasks.Add(new ProxyListener(replicaSocket, "replica",
                cancel => replicas!.Next() is { } replica ? ValueTask.FromResult<Backend?>(replica) : tracker.WaitForMasterAsync(failoverWait, cancel),
                options, log, _counters, _connections, loops).RunAsync(shutdown.Token));
        }

        try
        {
            await Task.Delay(Timeout.Infinite, shutdown.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _connections.CloseEverything();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        log.Write($"vigil proxy stopped; {_counters.Describe()}");
        return 0;
    }

    private async Task SweepStalledAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(StallSweepMs));
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                var dropped = _connections.CloseStalled(Environment.TickCount64, options.ClientStallMs);
                if (dropped == 0) continue;
                Interlocked.Add(ref _counters.StalledClientsDropped, dropped);
                log.Write($"dropped {dropped} client{(dropped == 1 ? "" : "s")} that left replies unread for {options.ClientStallMs} ms");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
