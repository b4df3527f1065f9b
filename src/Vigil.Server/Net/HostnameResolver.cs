using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Vigil.Sentinel;

namespace Vigil.Server.Net;

/// <summary>
/// Answers the core's <see cref="ResolveHostname"/> effects off the loop: each lookup runs on the pool with a
/// timeout, and its answer (failure included) is posted back as a <see cref="HostnameResolved"/> input. The latest
/// answers are kept for the config rewrite, which writes a hostname's IP without blocking the loop on DNS.
/// </summary>
public sealed class HostnameResolver(Clock clock, CancellationToken stopping)
{
    /// <summary>A lookup not answered within this is a failure (the core then keeps the hostname, as on any failure).</summary>
    public static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, string?> _latest = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Where answers go; set once the loop exists (nothing is asked before).</summary>
    public Loop.EventLoop? Loop { get; set; }

    /// <summary>Starts a lookup; its answer reaches the core as an input.</summary>
    public void Resolve(string hostname) => _ = AnswerAsync(hostname);

    /// <summary>Resolves the names a starting core needs (see <c>StartupHostnames</c>), all at once, before the loop runs.</summary>
    public async Task<IReadOnlyDictionary<string, string?>> ResolveAllAsync(IReadOnlyList<string> hostnames)
    {
        var answers = await Task.WhenAll(hostnames.Select(LookupAsync)).ConfigureAwait(false);
        var resolved = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < hostnames.Count; i++) resolved[hostnames[i]] = answers[i];
        return resolved;
    }

    /// <summary>The latest answer for a hostname, or null when none came or it failed.</summary>
    public string? Latest(string hostname) => _latest.TryGetValue(hostname, out var ip) ? ip : null;

    private async Task AnswerAsync(string hostname)
    {
        string? ip = await LookupAsync(hostname).ConfigureAwait(false);
        Loop?.Post(new HostnameResolved(clock.NowMs, hostname, ip));
    }

    // The reference takes the first address the resolver gives (IPv4 or IPv6 alike).
    private async Task<string?> LookupAsync(string hostname)
    {
        string? ip = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(LookupTimeout);
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(hostname, timeout.Token).ConfigureAwait(false);
            ip = addresses.Length == 0 ? null : addresses[0].ToString();
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ArgumentException)
        {
            ip = null;
        }
        _latest[hostname] = ip;
        return ip;
    }
}
