using System.Text.Json.Serialization;
using Vigil.Sentinel.Observation;

namespace Vigil.Http;

/// <summary>What <c>/api/state</c> returns: the observation, the failovers' timelines and the recent events.</summary>
public sealed record DashboardState(
    string Version,
    int Port,
    SentinelObservation Sentinel,
    IReadOnlyList<FailoverTimeline> Failovers,
    IReadOnlyList<SentinelEventRecord> Events);

/// <summary>Source-generated serialization (NativeAOT: no reflection).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DashboardState))]
[JsonSerializable(typeof(SentinelEventRecord))]
internal sealed partial class DashboardJson : JsonSerializerContext;
