namespace Vigil.Sentinel;

/// <summary>
/// Open a TCP connection to <paramref name="Host"/>:<paramref name="Port"/> (an IP address, or a hostname when
/// <c>resolve-hostnames</c> is on and the core could not resolve it), optionally bound to
/// <paramref name="SourceAddress"/>. Answer with <see cref="LinkConnected"/> or <see cref="LinkClosed"/>.
/// The connection speaks RESP2; the core sends its own handshake once it is connected.
/// </summary>
public sealed record OpenLink(LinkId Link, string Host, int Port, LinkRole Role, string? SourceAddress) : Effect;
