namespace Vigil.Sentinel.Monitoring;

/// <summary>
/// An instance's address: the host as given (IP or hostname), the resolved IP (empty when a hostname could not be
/// resolved and that was allowed) and the port.
/// </summary>
internal sealed record InstanceAddress(string Hostname, string Ip, int Port)
{
    /// <summary>Same port, and same IP or (case-insensitively) same hostname.</summary>
    public bool SameAs(InstanceAddress other) =>
        Port == other.Port
        && ((Ip.Length > 0 && Ip == other.Ip) || string.Equals(Hostname, other.Hostname, StringComparison.OrdinalIgnoreCase));

    /// <summary>What is shown and sent for this address: the hostname with <c>announce-hostnames yes</c>, else the IP.</summary>
    public string Announced(bool announceHostnames) => announceHostnames ? Hostname : Ip;

    /// <summary><c>host:port</c>, IPv6 bracketed; the name of a replica record.</summary>
    public string AnnouncedWithPort(bool announceHostnames)
    {
        string host = Announced(announceHostnames);
        return host.Contains(':') ? $"[{host}]:{Port}" : $"{host}:{Port}";
    }

    /// <summary>What to hand the host to connect to: the IP, or the hostname when it never resolved.</summary>
    public string ConnectHost => Ip.Length > 0 ? Ip : Hostname;
}
