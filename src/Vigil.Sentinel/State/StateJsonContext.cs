using System.Text.Json.Serialization;

namespace Vigil.Sentinel.State;

/// <summary>Source-generated (AOT-safe) JSON for <see cref="SentinelState"/>.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.KebabCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SentinelState))]
public sealed partial class StateJsonContext : JsonSerializerContext;
