namespace Vigil.Sentinel.State;

/// <summary>
/// Everything a sentinel learns or is told at run time, kept apart from the operator's config file: its id,
/// epochs, per master the current address, epochs, vote and known nodes, and the runtime changes made by
/// <c>SENTINEL MONITOR/SET/REMOVE/CONFIG SET</c>. Serialised with <see cref="StateJsonContext"/>.
/// </summary>
/// <remarks>
/// Merge rule at start (see docs/state-file.md and <c>StateMerger</c>): the config wins for every setting the
/// operator edited since the last save (detected by comparing with the baselines recorded here); the state wins
/// for everything else, and always for what failovers and discovery changed (address, epochs, vote, known
/// replicas and sentinels). Masters removed at run time stay removed unless their config lines changed since;
/// masters added at run time come from the state. Legacy state lines in the config are read only when there is
/// no state.
/// </remarks>
public sealed record SentinelState
{
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public required string MyId { get; init; }
    public long CurrentEpoch { get; init; }

    /// <summary>Sentinel-wide options in force.</summary>
    public SentinelWideSettings Sentinel { get; init; } = new();

    /// <summary>The config file's sentinel-wide options at save time.</summary>
    public SentinelWideSettings SentinelBaseline { get; init; } = new();

    public IReadOnlyList<MasterState> Masters { get; init; } = [];
    public IReadOnlyList<RemovedMaster> RemovedMasters { get; init; } = [];

    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this, StateJsonContext.Default.SentinelState);

    /// <summary>Reads a state file's text; throws <see cref="System.Text.Json.JsonException"/> when it is not one.</summary>
    public static SentinelState FromJson(string json) =>
        System.Text.Json.JsonSerializer.Deserialize(json, StateJsonContext.Default.SentinelState)
        ?? throw new System.Text.Json.JsonException("The state file holds null.");
}
