using Vigil.Migration.Links;

namespace Vigil.Migration.Preflight;

/// <summary>The sentinel group watching the source: its name, the sentinels given, what the first one says.</summary>
public sealed record SentinelGroupFacts(
    string MasterName,
    IReadOnlyList<RedisEndpoint> Sentinels,
    int KnownSentinels,
    int Quorum,
    IReadOnlyList<RedisEndpoint> Replicas,
    RedisCredentials? SentinelCredentials);
