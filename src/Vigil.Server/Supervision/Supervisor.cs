using Vigil.Sentinel.Config;
using Vigil.Server.Logging;

namespace Vigil.Server.Supervision;

/// <summary>
/// <c>supervised</c> as redis-server 7.0 does it. <c>auto</c> picks upstart when <c>$UPSTART_JOB</c> is set, else
/// systemd when <c>$NOTIFY_SOCKET</c> is. systemd hears <c>STATUS=</c> lines, <c>READY=1</c> once clients can
/// connect and <c>STOPPING=1</c> at shutdown. Upstart (<c>expect stop</c>) sees the process stop itself once at
/// start. When supervision is in force, <c>daemonize</c> is ignored.
/// </summary>
public sealed class Supervisor
{
    private const string UpstartVariable = "UPSTART_JOB";

    private readonly SentinelLog _log;

    private Supervisor(SupervisedMode mode, SentinelLog log)
    {
        Mode = mode;
        _log = log;
    }

    /// <summary>Upstart or Systemd when the supervisor was found and told; No otherwise.</summary>
    public SupervisedMode Mode { get; }

    public bool IsSupervised => Mode != SupervisedMode.No;

    /// <summary>Whether <see cref="Start"/> will find a supervisor (it decides whether <c>daemonize</c> applies).</summary>
    public static bool WillSupervise(SupervisedMode configured)
    {
        bool upstart = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(UpstartVariable));
        bool systemd = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(SystemdNotifier.SocketVariable));
        return configured switch
        {
            SupervisedMode.Upstart => upstart,
            SupervisedMode.Systemd => systemd,
            SupervisedMode.Auto => upstart || systemd,
            _ => false,
        };
    }

    /// <summary>Resolves <c>auto</c>, then greets the supervisor (upstart: the process stops here until resumed).</summary>
    public static Supervisor Start(SupervisedMode configured, SentinelLog log)
    {
        var mode = configured;
        if (mode == SupervisedMode.Auto)
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(UpstartVariable)))
            {
                log.Write(LogLevel.Verbose, "Upstart supervision detected.");
                mode = SupervisedMode.Upstart;
            }
            else if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(SystemdNotifier.SocketVariable)))
            {
                log.Write(LogLevel.Verbose, "Systemd supervision detected.");
                mode = SupervisedMode.Systemd;
            }
            else
            {
                mode = SupervisedMode.No;
            }
        }
        var supervision = new Supervisor(SupervisedMode.No, log);
        switch (mode)
        {
            case SupervisedMode.Systemd when supervision.NotifySystemd("STATUS=Sentinel is loading...\n"):
                log.Notice("Supervised by systemd. Please make sure you set appropriate values for TimeoutStartSec and TimeoutStopSec in your service unit.");
                return new Supervisor(SupervisedMode.Systemd, log);
            case SupervisedMode.Upstart when StopForUpstart(log):
                return new Supervisor(SupervisedMode.Upstart, log);
            default:
                return supervision;
        }
    }

    /// <summary>Clients can connect: tells systemd the service is up.</summary>
    public void Ready()
    {
        if (Mode != SupervisedMode.Systemd) return;
        NotifySystemd("STATUS=Ready to accept connections\n");
        NotifySystemd("READY=1\n");
    }

    /// <summary>Shutdown has begun.</summary>
    public void Stopping()
    {
        if (Mode == SupervisedMode.Systemd) NotifySystemd("STOPPING=1\n");
    }

    private bool NotifySystemd(string message)
    {
        if (SystemdNotifier.Notify(message, out string? error)) return true;
        _log.Warning($"systemd supervision error: {error}");
        return false;
    }

    private static bool StopForUpstart(SentinelLog log)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(UpstartVariable)))
        {
            log.Warning("upstart supervision requested, but UPSTART_JOB not found!");
            return false;
        }
        log.Notice("supervised by upstart, will stop to signal readiness.");
        Libc.kill(Libc.getpid(), Libc.SigStop);
        Environment.SetEnvironmentVariable(UpstartVariable, null);
        return true;
    }
}
