using Vigil.Server.Logging;

namespace Vigil.Server.Supervision;

/// <summary>
/// <c>crash-log-enabled yes</c> (the default): an exception nothing caught, which ends the process, is written to the
/// sentinel's log first, so the operator finds the report where the reference writes its crash report.
/// </summary>
public static class CrashLog
{
    public static void Install(bool enabled, SentinelLog log)
    {
        if (!enabled) return;
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
            log.Warning($"------------------------------------------------\nVigil crashed: {e.ExceptionObject}\n------------------------------------------------");
    }
}
