namespace Vigil.Sentinel;

/// <summary>
/// The host's answer to <see cref="ResolveHostname"/>: the address <paramref name="Hostname"/> resolved to, or null
/// when it did not resolve (no such name, no address, no answer within the host's timeout).
/// </summary>
public sealed record HostnameResolved(long NowMs, string Hostname, string? Ip) : Input(NowMs);
