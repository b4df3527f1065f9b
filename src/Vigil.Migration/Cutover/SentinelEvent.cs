namespace Vigil.Migration.Cutover;

/// <summary>One event a sentinel published (<c>+switch-master</c> and the like), with when migrate received it.</summary>
public sealed record SentinelEvent(int Sentinel, string Channel, string Payload, double AtMs);
