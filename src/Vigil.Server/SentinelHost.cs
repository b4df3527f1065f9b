using System.Runtime.InteropServices;
using Vigil.Sentinel;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.State;
using Vigil.Server.Links;
using Vigil.Server.Logging;
using Vigil.Server.Loop;
using Vigil.Server.Net;
using Vigil.Server.Observation;
using Vigil.Server.State;
using Vigil.Tls;

namespace Vigil.Server;

/// <summary>
/// Runs one sentinel: wires the core to the listener, the links, the state file and the log, and
/// owns the process lifetime (signals, SHUTDOWN, clean exit).
/// </summary>
public sealed class SentinelHost : IAsyncDisposable
{
    private readonly SentinelConfig _config;
    private readonly string _configPath;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<int> _exitCode = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SentinelLog? _log;

    public SentinelHost(SentinelConfig config, string configPath)
    {
        _config = config;
        _configPath = Path.GetFullPath(configPath);
    }

    /// <summary>
    /// The compatibility mode: state is saved by rewriting sentinel.conf in the reference's format (and read back
    /// from it at start) instead of the JSON state file beside it.
    /// </summary>
    public bool RewriteConfig { get; init; }

    /// <summary>The HTTP endpoint or anything else that watches the sentinel from outside the protocol; null = none.</summary>
    public ISentinelObserver? Observer { get; init; }

    /// <summary>The redis-sentinel release presented to clients (<c>--compat</c>).</summary>
    public RedisCompatibility Compatibility { get; init; } = RedisCompatibility.Redis70;

    /// <summary>The port actually listened on (useful with <c>port 0</c> in tests).</summary>
    public int Port { get; private set; }

    /// <summary>Requests a clean stop with the given exit code.</summary>
    public void Stop(int exitCode) => _exitCode.TrySetResult(exitCode);

    /// <summary>Runs until SIGTERM/SIGINT, SHUTDOWN or a fatal effect; returns the process exit code.</summary>
    public async Task<int> RunAsync(Action<string>? reportFatal = null)
    {
        var fatal = reportFatal ?? Console.Out.WriteLine;
        var options = _config.Server;
        var syslog = options.SyslogEnabled ? new SyslogSink(options.SyslogIdent, options.SyslogFacility) : null;
        var log = _log = new SentinelLog(options.LogFile, options.LogLevel, syslog);
        var supervision = Supervision.Supervisor.Start(_config.Server.Supervised, log);
        Supervision.CrashLog.Install(options.CrashLogEnabled, log);
        var clock = new Clock();
        var hostnames = new Net.HostnameResolver(clock, _stopping.Token);
        IStateStore stateStore;
        SentinelState? persisted = null;
        if (RewriteConfig)
        {
            // The config file is the whole state, as with the reference: its state lines were read with it.
            var rewriteStore = new ConfigRewriteStore(_configPath, _config.Sentinel.DenyScriptsReconfig, hostnames.Latest, log);
            if (rewriteStore.ProbeWritable() is { } reason)
            {
                fatal($"Sentinel config file {_configPath} is not writable: {reason}. Exiting...");
                return 1;
            }
            stateStore = rewriteStore;
        }
        else
        {
            // A relative vigil-state-file is taken from `dir`, the working directory by now, like logfile and pidfile.
            var statePath = _config.Server.StateFile is { } configured ? Path.GetFullPath(configured) : StateStore.PathFor(_configPath);
            var stateDirectory = Path.GetDirectoryName(statePath) ?? ".";
            if (AtomicFile.ProbeWritable(stateDirectory) is { } reason)
            {
                fatal($"Sentinel state location {stateDirectory} is not writable: {reason}. Exiting...");
                return 1;
            }
            var stateFile = new StateStore(statePath, log);
            try
            {
                persisted = stateFile.Load();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or System.Text.Json.JsonException)
            {
                fatal($"Sentinel state file {stateFile.Path} cannot be read: {ex.Message}. Exiting...");
                return 1;
            }
            stateStore = stateFile;
        }

        TlsContext? tls;
        try
        {
            tls = TlsContext.Load(_config.Server.Tls);
        }
        catch (TlsConfigurationException ex)
        {
            log.Warning(ex.Message);
            log.Warning("Failed to configure TLS. Check logs for more info.");
            fatal($"Failed to configure TLS: {ex.Message}");
            return 1;
        }

        var host = new HostInfo(_configPath, Environment.ProcessPath ?? "vigil", _config.Server.Port, DateTime.UtcNow,
            Convert.ToHexStringLower(KernelRandom.Bytes(20)));
        ServerContext server;
        try
        {
            server = new ServerContext(_config, log, clock, host, Compatibility) { RequestShutdown = Stop, Tls = tls };
        }
        catch (Security.AclStartupException ex)
        {
            log.Warning(ex.Message);
            fatal(ex.Message);
            return 1;
        }
        // Before the first socket operation: the socket engine reads the switch when it starts (see SocketCompletions).
        using var inlineCompletions = SocketCompletions.PreferInline();
        var listener = new Listener(server);
        try
        {
            listener.Bind();
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or FormatException)
        {
            log.Warning($"Could not create server TCP listening socket *:{_config.Server.Port}: {ex.Message}");
            fatal($"Could not create server TCP listening socket *:{_config.Server.Port}: {ex.Message}");
            return 1;
        }
        catch (InvalidOperationException ex)
        {
            log.Warning(ex.Message);
            fatal(ex.Message);
            return 1;
        }
        Port = listener.BoundPort;

        var savedState = new CoalescingStateStore(stateStore) { Observer = Observer };
        // The reference resolves while it loads its config; the core starts with those answers and asks for the rest.
        var resolvedAtStart = await hostnames.ResolveAllAsync(StartupHostnames.Of(_config, persisted)).ConfigureAwait(false);
        var core = new SentinelCore(_config, persisted, new CoreOptions
        {
            RandomSeed = KernelRandom.NonNegativeInt32(),
            ListeningPort = Port,
            StartNowMs = clock.NowMs,
            StartWallMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ResolvedHostnames = resolvedAtStart,
            ConfigLogLevel = Compatibility.HasConfigLogLevel,
        });
        var links = new OutboundLinks(clock, _stopping.Token, _config.Server.Tls.TlsReplication ? tls : null, log);
        var requests = new Loop.PendingRequests();
        var effects = new EffectRunner(clock, links, server.PubSub, log, savedState, requests, hostnames, (code, reason) =>
        {
            log.Warning(reason);
            Stop(code);
        }) { Observer = Observer };
        var loop = new EventLoop(core, clock, effects, savedState, requests);
        links.Loop = loop;
        hostnames.Loop = loop;
        server.Loop = loop;

        if (Observer is not null)
        {
            try
            {
                await Observer.StartAsync(log, loop.ObserveAsync, _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                log.Warning($"Could not start the HTTP endpoint: {ex.Message}");
                fatal($"Could not start the HTTP endpoint: {ex.Message}");
                await listener.StopAsync().ConfigureAwait(false);
                return 1;
            }
        }
        WritePidFile();
        Supervision.OomScore.Apply(options.OomScoreAdj, options.OomScoreAdjValue, log);
        log.Notice($"Vigil {VersionInfo.Version} (Redis Sentinel {Compatibility.Version} compatible) running in sentinel mode, port {Port}, pid {Environment.ProcessId}");
        if (tls is not null)
        {
            log.Notice($"TLS: {(_config.Server.Tls.TlsPort != 0 ? $"tls-port {_config.Server.Tls.TlsPort}" : "no tls-port")}, " +
                $"links to instances and peers {(_config.Server.Tls.TlsReplication ? "over TLS" : "in plain TCP")}, certificate {tls.ServerSubject}");
        }
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

        var loopTask = loop.RunAsync(_stopping.Token);
        var listenTask = listener.RunAsync(_stopping.Token);
        var trimTask = new Memory.HeapTrimmer(new Memory.HeapTrimPolicy()).RunAsync(log, _stopping.Token);
        // The listener's first accept has started the socket engine: the environment can be the operator's again.
        inlineCompletions.Dispose();
        supervision.Ready();
        var exitCode = await _exitCode.Task.ConfigureAwait(false);

        log.Warning("User requested shutdown...");
        supervision.Stopping();
        await listener.StopAsync().ConfigureAwait(false);
        if (Observer is not null) await Observer.StopAsync().ConfigureAwait(false);
        // The last save goes the way of every other (FLUSHCONFIG's): written, confirmed, then the loop stops.
        try
        {
            await loop.ReplyAsync((nowMs, id) => new SentinelRequest(nowMs, id, ["flushconfig"u8.ToArray()]))
                .WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or TaskCanceledException)
        {
            log.Warning("The state could not be saved at shutdown: the loop did not answer.");
        }
        _stopping.Cancel();
        try
        {
            await links.StopAsync().ConfigureAwait(false);
            await Task.WhenAll(loopTask, listenTask, trimTask).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            log.Warning("Some links or clients did not close within 5 seconds; exiting anyway.");
        }
        RemovePidFile();
        log.Warning("Sentinel is now ready to exit, bye bye...");
        return exitCode;
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        _log?.Warning($"Received {(context.Signal == PosixSignal.SIGINT ? "SIGINT" : "SIGTERM")} scheduling shutdown...");
        Stop(0);
    }

    private void WritePidFile()
    {
        if (string.IsNullOrEmpty(_config.Server.PidFile)) return;
        try { File.WriteAllText(_config.Server.PidFile, Environment.ProcessId + "\n"); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _log?.Warning($"Failed to write PID file: {ex.Message}");
        }
    }

    private void RemovePidFile()
    {
        if (string.IsNullOrEmpty(_config.Server.PidFile)) return;
        try { File.Delete(_config.Server.PidFile); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        _log?.Dispose();
        return ValueTask.CompletedTask;
    }
}
