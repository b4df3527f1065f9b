namespace Vigil.Sentinel.State;

/// <summary>A peer sentinel discovered for a master (from hello messages).</summary>
public sealed record KnownSentinelState(string Host, int Port, string RunId);
