namespace Vigil.Http;

/// <summary>
/// One failover of a master as this sentinel saw it: when each phase was reached (Unix ms, null when this sentinel
/// did not see it: a sentinel that is not the leader never sees <c>elected</c>, <c>promoted</c> or <c>end</c>).
/// <see cref="Outcome"/> is null while it runs.
/// </summary>
public sealed record FailoverTimeline(
    long Id,
    string MasterName,
    long? SdownMs,
    long? OdownMs,
    long? ElectedMs,
    long? PromotedMs,
    long? SwitchMasterMs,
    long? EndMs,
    string? Outcome,
    string? NewMaster);
