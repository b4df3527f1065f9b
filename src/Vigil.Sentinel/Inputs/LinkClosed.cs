namespace Vigil.Sentinel;

/// <summary>
/// A connection is gone: the peer closed it, an I/O error happened, or connecting failed. Not sent for links the
/// core closed itself with <see cref="CloseLink"/> (if it is, it is ignored).
/// </summary>
public sealed record LinkClosed(long NowMs, LinkId Link, string Reason) : Input(NowMs);
