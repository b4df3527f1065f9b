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
/// are accepted; with it, hostnames take the host's latest answer from the <see cref="HostnameCache"/> (the core
/// does no DNS itself). A name never answered yet counts as unresolved for now, as a failed lookup does in the
/// reference; whoever cannot act on that waits for the answer (<see cref="IsUnanswered"/>, <see cref="HasCurrentAnswer"/>).
/// </summary>
internal sealed class AddressResolver(HostnameCache cache, Action<string> logWarning)
{
    public bool ResolveHostnames { get; set; }

    /// <summary>
    /// A client's command is running: a hostname takes its current answer as it is, a failed lookup failing the
    /// command as the reference's lookup would, rather than the last address found (see <see cref="HostnameCache"/>).
    /// </summary>
    public bool CommandRunning { get; set; }

    /// <summary>A hostname (not a literal IP) that resolve-hostnames sends to the host.</summary>
    public bool IsResolvedName(string host) => ResolveHostnames && host.Length > 0 && LiteralIp(host) is null;

    /// <summary>A name the host has not answered yet (asked now if it was not); false for literal IPs and without resolve-hostnames.</summary>
    public bool IsUnanswered(string host) => IsResolvedName(host) && !cache.TryLatest(host, lastFound: true, out _);

    /// <summary>
    /// Whether what <see cref="Resolve"/> says of <paramref name="host"/> is as fresh as a lookup made now would be
    /// (a literal IP, no resolve-hostnames, or an answer younger than <see cref="Limits.HostnameAnswerTtlMs"/>);
    /// when not, the question is asked and the caller waits for its answer.
    /// </summary>
    public bool HasCurrentAnswer(string host) => !IsResolvedName(host) || cache.HasCurrent(host);

    /// <summary>When a wait for <paramref name="host"/>'s answer gives up and asks again; null when no question is out.</summary>
    public long? AskAgainAtMs(string host) => IsResolvedName(host) ? cache.AskAgainAtMs(host) : null;

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
        string? ip = Resolve(host, out bool answered);
        if (ip is null)
        {
            if (answered) logWarning($"Failed to resolve hostname '{host}'");
            if (ResolveHostnames && acceptUnresolved) return new InstanceAddress(host, "", port);
            error = AddressError.Unresolvable;
            return null;
        }
        return new InstanceAddress(host, ip, port);
    }

    /// <summary>The IP for a host string, or null. Literal IPs are normalised ("127.1" becomes "127.0.0.1").</summary>
    public string? Resolve(string host) => Resolve(host, out _);

    /// <summary><paramref name="answered"/>: false only for a name still waiting for its first answer.</summary>
    private string? Resolve(string host, out bool answered)
    {
        answered = true;
        if (LiteralIp(host) is { } literal) return literal;
        if (!IsResolvedName(host)) return null;
        answered = cache.TryLatest(host, lastFound: !CommandRunning, out var ip);
        return ip;
    }

    /// <summary>Whether a wire string names this address: compared by IP when it resolves, else as a name.</summary>
    public bool AddressEqualsHostname(InstanceAddress address, string? host)
    {
        if (host is null) return false;
        string? ip = Resolve(host);
        if (ip is null) return string.Equals(ResolveHostnames ? address.Hostname : address.Ip, host, StringComparison.OrdinalIgnoreCase);
        return string.Equals(address.Ip, ip, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// <see cref="TryParseIpLiteral"/>'s answer, remembered: every hello names a sentinel and a master by address, and
    /// a fleet's hellos arrive thousands of times a second with the same few. Emptied when full, as a peer may send
    /// ever new strings.
    /// </summary>
    private string? LiteralIp(string host)
    {
        if (_literals.TryGetValue(host, out var known)) return known;
        TryParseIpLiteral(host, out var ip);
        if (_literals.Count >= MaxRememberedLiterals) _literals.Clear();
        _literals[host] = ip;
        return ip;
    }

    private const int MaxRememberedLiterals = 4096;
    private readonly Dictionary<string, string?> _literals = new(StringComparer.Ordinal);

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
