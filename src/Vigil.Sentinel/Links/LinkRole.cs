namespace Vigil.Sentinel;

/// <summary>What a connection is for.</summary>
public enum LinkRole
{
    /// <summary>Request/reply commands (PING, INFO, PUBLISH, SENTINEL ...).</summary>
    Command,
    /// <summary>Subscribed to <c>__sentinel__:hello</c>; every pushed message comes back as a <see cref="LinkReply"/>.</summary>
    PubSub,
}
