namespace Vigil.Sentinel.State;

/// <summary>The sentinel-wide options that <c>SENTINEL CONFIG SET</c> changes at run time.</summary>
public sealed record SentinelWideSettings
{
    public string? AnnounceIp { get; init; }
    public int AnnouncePort { get; init; }
    public bool ResolveHostnames { get; init; }
    public bool AnnounceHostnames { get; init; }
    public string? SentinelUser { get; init; }
    public string? SentinelPass { get; init; }
}
