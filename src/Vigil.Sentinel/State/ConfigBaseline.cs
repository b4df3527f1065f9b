namespace Vigil.Sentinel.State;

/// <summary>
/// What the config file said about a master when the state was saved: its <c>sentinel monitor</c> address and
/// settings. Comparing it with the config at the next start tells which lines the operator edited since.
/// </summary>
public sealed record ConfigBaseline
{
    public required MasterAddress Address { get; init; }
    public required MasterSettings Settings { get; init; }
}
