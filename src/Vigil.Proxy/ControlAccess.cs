using Vigil.Tls;

namespace Vigil.Proxy;

/// <summary>
/// How the proxy's own connections (to the sentinels, and the ROLE checks of data nodes) reach their peers:
/// the credentials they authenticate with and, with <c>--tls</c>, the TLS settings they connect with.
/// </summary>
public sealed record ControlAccess(string? User, string? Password, TlsContext? Tls);
