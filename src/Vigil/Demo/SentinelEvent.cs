namespace Vigil.Demo;

/// <summary>An event one sentinel published (<c>+sdown</c>, <c>+switch-master</c> ...), with when it arrived.</summary>
internal sealed record SentinelEvent(int Sentinel, string Channel, string Message, double AtMs)
{
    /// <summary>Whether the event is about the monitored master itself (not a replica or a sentinel).</summary>
    public bool IsAboutMaster => Message.StartsWith("master ", StringComparison.Ordinal);
}
