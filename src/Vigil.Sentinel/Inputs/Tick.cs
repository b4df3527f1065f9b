namespace Vigil.Sentinel;

/// <summary>The host's timer fired. Sent at or after <see cref="SentinelCore.NextWakeMs"/>.</summary>
public sealed record Tick(long NowMs) : Input(NowMs);
