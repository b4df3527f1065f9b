namespace Vigil.Sentinel;

/// <summary>
/// Look up the IP address of <paramref name="Hostname"/> (only ever asked with <c>resolve-hostnames yes</c>, never
/// for a literal IP) and answer with <see cref="HostnameResolved"/>, failure included: the core asks again only when
/// no answer came for <see cref="Limits.HostnameAskTimeoutMs"/>, and commands naming the host wait for the answer.
/// </summary>
public sealed record ResolveHostname(string Hostname) : Effect;
