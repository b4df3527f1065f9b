namespace Vigil.Sentinel.State;

/// <summary>
/// The operator-facing settings of one monitored master: what <c>sentinel ...</c> config lines and
/// <c>SENTINEL SET</c> change. Immutable; the core swaps in a new value on every change.
/// </summary>
public sealed record MasterSettings
{
    public int Quorum { get; init; }
    public long DownAfterMs { get; init; }
    public long FailoverTimeoutMs { get; init; }
    public int ParallelSyncs { get; init; }
    public long MasterRebootDownAfterPeriodMs { get; init; }

    /// <summary>Pause the master's writes when this sentinel is cut off with it (on unless set to no).</summary>
    public bool FenceWrites { get; init; } = true;

    /// <summary>Flap-damping window in ms (0 = off); the default applies to state saved before the option existed.</summary>
    public long FailoverDampingMs { get; init; } = Config.MasterConfig.DefaultFailoverDampingMs;
    public string? NotificationScript { get; init; }
    public string? ClientReconfigScript { get; init; }
    public string? AuthPass { get; init; }
    public string? AuthUser { get; init; }

    /// <summary>Commands renamed on this master's instances, in the order they were defined.</summary>
    public IReadOnlyList<CommandRename> RenameCommands { get; init; } = [];

    public bool Equals(MasterSettings? other) =>
        other is not null
        && Quorum == other.Quorum
        && DownAfterMs == other.DownAfterMs
        && FailoverTimeoutMs == other.FailoverTimeoutMs
        && ParallelSyncs == other.ParallelSyncs
        && MasterRebootDownAfterPeriodMs == other.MasterRebootDownAfterPeriodMs
        && FenceWrites == other.FenceWrites
        && FailoverDampingMs == other.FailoverDampingMs
        && NotificationScript == other.NotificationScript
        && ClientReconfigScript == other.ClientReconfigScript
        && AuthPass == other.AuthPass
        && AuthUser == other.AuthUser
        && RenamesEqual(RenameCommands, other.RenameCommands);

    public override int GetHashCode() => HashCode.Combine(Quorum, DownAfterMs, FailoverTimeoutMs, ParallelSyncs, RenameCommands.Count);

    /// <summary>Same set of renames, order ignored, command names compared case-insensitively.</summary>
    public static bool RenamesEqual(IReadOnlyList<CommandRename> a, IReadOnlyList<CommandRename> b)
    {
        if (a.Count != b.Count) return false;
        foreach (var rename in a)
        {
            bool found = false;
            foreach (var candidate in b)
            {
                if (string.Equals(rename.Command, candidate.Command, StringComparison.OrdinalIgnoreCase)
                    && rename.RenamedTo == candidate.RenamedTo)
                {
                    found = true;
                    break;
                }
            }
            if (!found) return false;
        }
        return true;
    }
}
