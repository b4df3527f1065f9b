namespace Vigil.Sentinel.Failover;

/// <summary>
/// A planned switchover in progress: the old master's writes are paused, and the chosen replica is promoted only
/// once its replication offset reaches the paused master's.
/// </summary>
internal sealed class Switchover
{
    public SwitchoverPhase Phase { get; set; }

    /// <summary>When CLIENT PAUSE was sent; the pause ends by itself <see cref="Limits.SwitchoverPauseMs"/> later.</summary>
    public long PausedAtMs { get; set; }

    /// <summary>The paused master's <c>master_repl_offset</c>: every write it acknowledged.</summary>
    public ulong TargetOffset { get; set; }

    public long LastPollAtMs { get; set; }
}
