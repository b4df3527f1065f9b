namespace Vigil.Sentinel;

/// <summary>
/// A connection requested with <see cref="OpenLink"/> is established. <paramref name="LocalIp"/> is the local
/// address of the socket; it is what this sentinel announces in hello messages unless <c>announce-ip</c> is set.
/// </summary>
public sealed record LinkConnected(long NowMs, LinkId Link, string LocalIp) : Input(NowMs);
