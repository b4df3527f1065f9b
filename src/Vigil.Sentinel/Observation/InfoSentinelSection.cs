using System.Globalization;
using System.Text;
using Vigil.Sentinel.Scripts;

namespace Vigil.Sentinel.Observation;

/// <summary>The <c># Sentinel</c> section of INFO, CRLF-terminated lines, in the reference's order.</summary>
internal static class InfoSentinelSection
{
    public static string Render(CoreSettings settings, CoreClock clock, EffectQueue effects, TiltState tilt, MonitorState monitored,
        ScriptQueue scripts, long hostNowMs)
    {
        var sb = new StringBuilder();
        void Line(FormattableString text) => sb.Append(text.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        Line($"# Sentinel");
        Line($"sentinel_masters:{monitored.Masters.Count}");
        Line($"sentinel_tilt:{(tilt.Active ? 1 : 0)}");
        Line($"sentinel_tilt_since_seconds:{(tilt.Active ? (hostNowMs - clock.ToHostMs(tilt.StartedAtMs)) / 1000 : -1)}");
        Line($"sentinel_running_scripts:{scripts.RunningCount}");
        Line($"sentinel_scripts_queue_length:{scripts.QueueLength}");
        Line($"sentinel_simulate_failure_flags:{effects.SimulateFailureFlags}");
        int index = 0;
        foreach (var master in monitored.Masters.Values)
        {
            string status = master.IsObjectivelyDown ? "odown" : master.IsSubjectivelyDown ? "sdown" : "ok";
            var address = master.Address;
            Line($"master{index++}:name={master.Name},status={status},address={address.Announced(settings.AnnounceHostnames)}:{address.Port},slaves={master.Replicas.Count},sentinels={master.Peers.Count + 1}");
        }
        return sb.ToString();
    }
}
