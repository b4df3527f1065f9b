using System.Net;
using System.Net.Sockets;

namespace Vigil.Sentinel.Monitoring;

/// <summary>Why an address could not be made.</summary>
internal enum AddressError
{
    None,
    /// <summary>Port outside 0-65535 ("Invalid port number.").</summary>
    InvalidPort,
    /// <summary>Not a literal IP and not resolvable ("Can't resolve instance hostname.").</summary>
    Unresolvable,
}

/// <summary>
/// Turns host strings into <see cref="InstanceAddress"/> values. Without <c>resolve-hostnames</c> only literal IPs
/// are accepted; with it, hostnames go through the host-supplied resolver (the core does no DNS itself).
/// </summary>
internal sealed class AddressResolver(Func<string, string?>? resolveHostname, Action<string> logWarning)
{
    public bool ResolveHostnames { get; set; }

    /// <summary>
    /// Makes an address. An unresolvable hostname fails, unless <paramref name="acceptUnresolved"/> and
    /// <c>resolve-hostnames</c> are both on: then the address keeps the hostname with an empty IP.
    /// </summary>
    public InstanceAddress? Create(string host, int port, bool acceptUnresolved, out AddressError error)
    {
        error = AddressError.None;
        if (port is < 0 or > 65535)
        {
            error = AddressError.InvalidPort;
            return null;
        }
        string? ip = Resolve(host);
        if (ip is null)
        {
            logWarning($"Failed to resolve hostname '{host}'");
            if (ResolveHostnames && acceptUnresolved) return new InstanceAddress(host, "", port);
            error = AddressError.Unresolvable;
            return null;
        }
        return new InstanceAddress(host, ip, port);
    }

    /// <summary>The IP for a host string, or null. Literal IPs are normalised ("127.1" becomes "127.0.0.1").</summary>
    public string? Resolve(string host)
    {
        if (TryParseIpLiteral(host, out string? ip)) return ip;
        if (!ResolveHostnames || resolveHostname is null || host.Length == 0) return null;
        string? resolved = resolveHostname(host);
        return resolved is not null && TryParseIpLiteral(resolved, out string? normalised) ? normalised : null;
    }

    /// <summary>Whether a wire string names this address: compared by IP when it resolves, else as a name.</summary>
    public bool AddressEqualsHostname(InstanceAddress address, string? host)
    {
        if (host is null) return false;
        string? ip = Resolve(host);
        if (ip is null) return string.Equals(ResolveHostnames ? address.Hostname : address.Ip, host, StringComparison.OrdinalIgnoreCase);
        return string.Equals(address.Ip, ip, StringComparison.OrdinalIgnoreCase);
    }

    public static bool TryParseIpLiteral(string host, out string? ip)
    {
        ip = null;
        if (host.Length == 0 || host.Contains('[') || host.Contains('%')) return false;
        if (!IPAddress.TryParse(host, out var parsed)) return false;
        if (parsed.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)) return false;
        ip = parsed.ToString();
        return true;
    }
}
