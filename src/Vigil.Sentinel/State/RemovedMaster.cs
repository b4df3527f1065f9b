namespace Vigil.Sentinel.State;

/// <summary>
/// A master from the config file that <c>SENTINEL REMOVE</c> dropped at run time. It stays removed across
/// restarts until the operator changes its config lines (they then differ from <see cref="ConfigBaseline"/>).
/// </summary>
public sealed record RemovedMaster
{
    public required string Name { get; init; }
    public required ConfigBaseline ConfigBaseline { get; init; }
}
