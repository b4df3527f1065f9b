using System.Text.Json.Serialization;
using Vigil.Sentinel.Config;

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

    /// <summary><c>loglevel</c>: a server option, but the one <c>SENTINEL CONFIG SET</c> changes since 7.2.</summary>
    [JsonPropertyName("loglevel")]
    [JsonConverter(typeof(JsonStringEnumConverter<LogLevel>))]
    public LogLevel LogLevel { get; init; } = LogLevel.Notice;
}
