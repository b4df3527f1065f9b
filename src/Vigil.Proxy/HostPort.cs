using System.Globalization;

namespace Vigil.Proxy;

/// <summary>A TCP address as the sentinels and the command line spell it: a host (name or IP) and a port.</summary>
public readonly record struct HostPort(string Host, int Port)
{
    /// <summary>Parses <c>HOST:PORT</c> (an IPv6 host in brackets: <c>[::1]:6380</c>); null when malformed.</summary>
    public static HostPort? TryParse(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1) return null;
        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        if (host.Length == 0) return null;
        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return null;
        }
        return new HostPort(host, port);
    }

    public override string ToString() =>
        Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}" : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
