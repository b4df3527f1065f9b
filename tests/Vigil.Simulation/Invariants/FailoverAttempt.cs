namespace Vigil.Simulation.Invariants;

/// <summary>A failover one sentinel started for one master: its epoch, whether forced, whether it was elected.</summary>
internal sealed class FailoverAttempt(long epoch, bool forced, long startedAtMs)
{
    public long Epoch { get; } = epoch;
    public bool Forced { get; } = forced;
    public long StartedAtMs { get; } = startedAtMs;
    public bool Elected { get; set; }
}
