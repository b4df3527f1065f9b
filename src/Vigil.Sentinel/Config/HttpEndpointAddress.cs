using System.Globalization;
using System.Net;

namespace Vigil.Sentinel.Config;

/// <summary>
/// Where the HTTP endpoint listens: <c>ADDR:PORT</c> with an IP literal (IPv6 in brackets) or <c>localhost</c>,
/// or a bare <c>PORT</c> for the loopback address. Port 0 picks a free port.
/// </summary>
public sealed record HttpEndpointAddress(IPAddress Address, int Port)
{
    public static bool TryParse(string text, out HttpEndpointAddress? address, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        address = null;
        error = "vigil-http takes ADDR:PORT (an IP address or localhost, and a port 0-65535) or a bare PORT for 127.0.0.1";
        string host = "127.0.0.1";
        string port = text;
        int colon = text.LastIndexOf(':');
        if (colon >= 0)
        {
            host = text[..colon];
            port = text[(colon + 1)..];
            if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
            // "::1:80" could be an address or an address and a port: IPv6 takes brackets.
            else if (host.Contains(':', StringComparison.Ordinal)) return false;
        }
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number > 65535) return false;
        IPAddress? ip = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var parsed) && IsLiteral(host, parsed) ? parsed
            : null;
        if (ip is null) return false;
        address = new HttpEndpointAddress(ip, number);
        error = null;
        return true;
    }

    // IPAddress.TryParse also takes "1" or "10.1" (inet_aton's short forms): only the full dotted quad or an IPv6 literal.
    private static bool IsLiteral(string host, IPAddress parsed) =>
        parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? host.Contains(':', StringComparison.Ordinal)
            : host.Count(c => c == '.') == 3;

    public override string ToString() => Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
        ? $"[{Address}]:{Port}"
        : $"{Address}:{Port}";
}
