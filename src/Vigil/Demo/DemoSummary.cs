using System.Globalization;

namespace Vigil.Demo;

/// <summary>The human-readable summary at the end of the demo.</summary>
internal static class DemoSummary
{
    public static IEnumerable<string> Lines(DemoFigures figures)
    {
        yield return "";
        yield return $"Summary ({figures.Sentinel} sentinels, {figures.Fault.ToString().ToLowerInvariant()} fault, down-after {figures.DownAfterMs} ms; times since the fault)";
        if (figures.Fault != FaultKind.Switchover)
        {
            yield return Row("+sdown (first sentinel)", Time(figures.SdownMs));
            yield return Row("+odown (first sentinel)", Time(figures.OdownMs));
        }
        yield return Row("+switch-master, first sentinel", Time(figures.SwitchMasterFirstMs));
        yield return Row("+switch-master, all three", Time(figures.SwitchMasterLastMs));
        yield return Row("+failover-end", Time(figures.FailoverEndMs));
        yield return Row("client write unavailability", figures.UnavailableMs is { } gap
            ? $"{gap / 1000:0.000} s (no write acknowledged from {Time(figures.UnavailableFromMs)} to {Time(figures.UnavailableFromMs + gap)})"
            : "- (no write acknowledged by a new master)");
        yield return Row("writes acknowledged / failed", $"{figures.WritesAcked} / {figures.WriteErrors}");
        yield return Row("acknowledged writes lost", figures.AckedLost is { } lost
            ? $"{lost} of {figures.WritesAcked} (read back from the new master)"
            : "not counted (no agreed master to read from)");
        yield return Row("old master rejoined as replica", figures.OldMasterRejoined
            ? $"yes, at {Time(figures.RejoinMs)}"
            : "no");
        yield return Row("converged", figures.Converged
            ? $"yes: every sentinel names {figures.NewMasterName} 127.0.0.1:{figures.NewMasterPort}, the other data nodes replicate from it"
            : "no" + (figures.Problem is null ? "" : ": " + figures.Problem));
    }

    private static string Row(string label, string value) => $"  {label,-32}{value}";

    private static string Time(double? ms) =>
        ms is { } value ? string.Create(CultureInfo.InvariantCulture, $"{value / 1000:+0.000;-0.000} s") : "-";
}
