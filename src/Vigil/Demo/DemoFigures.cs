namespace Vigil.Demo;

/// <summary>
/// What one demo run measured. Times are milliseconds since the fault, as seen by the demo when the
/// event arrived (null: it did not happen).
/// </summary>
internal sealed record DemoFigures
{
    public required string Sentinel { get; init; }
    public required FaultKind Fault { get; init; }
    public required int DownAfterMs { get; init; }
    public double? SdownMs { get; init; }
    public double? OdownMs { get; init; }
    public double? SwitchMasterFirstMs { get; init; }
    public double? SwitchMasterLastMs { get; init; }
    public double? FailoverEndMs { get; init; }

    /// <summary>From the client's last acknowledged write before the new master's first, to that one (see <see cref="WritingClient.SwitchGap"/>).</summary>
    public double? UnavailableMs { get; init; }
    public double? UnavailableFromMs { get; init; }
    public long WritesAcked { get; init; }
    public long WriteErrors { get; init; }

    /// <summary>Acknowledged writes missing from the new master (null: not read back).</summary>
    public long? AckedLost { get; init; }
    public int? NewMasterPort { get; init; }
    public string? NewMasterName { get; init; }
    public bool OldMasterRejoined { get; init; }
    public double? RejoinMs { get; init; }
    public bool Converged { get; init; }
    public string? Problem { get; init; }

    /// <summary>The event times, from everything the sentinels published after the fault.</summary>
    public static DemoFigures FromEvents(DemoFigures figures, IReadOnlyList<SentinelEvent> events, DemoClock clock, int sentinelCount)
    {
        var faultAtMs = clock.FaultAtMs ?? 0;
        double? First(string channel, bool aboutMaster)
        {
            foreach (var e in events)
            {
                if (e.AtMs >= faultAtMs && e.Channel == channel && (!aboutMaster || e.IsAboutMaster)) return e.AtMs - faultAtMs;
            }
            return null;
        }
        var switchBySentinel = new Dictionary<int, double>();
        foreach (var e in events)
        {
            if (e.AtMs >= faultAtMs && e.Channel == "+switch-master") switchBySentinel.TryAdd(e.Sentinel, e.AtMs - faultAtMs);
        }
        return figures with
        {
            SdownMs = First("+sdown", aboutMaster: true),
            OdownMs = First("+odown", aboutMaster: true),
            FailoverEndMs = First("+failover-end", aboutMaster: true),
            SwitchMasterFirstMs = switchBySentinel.Count > 0 ? switchBySentinel.Values.Min() : null,
            SwitchMasterLastMs = switchBySentinel.Count == sentinelCount ? switchBySentinel.Values.Max() : null,
        };
    }
}
