namespace Vigil.Simulation.World;

/// <summary>
/// The simulated DNS. In a world with hostnames each group's first master has a name; sentinels are configured
/// with it (<c>resolve-hostnames yes</c>), resolve it at start as the real host does, and ask again whenever the
/// core says so. A lookup takes a drawn delay, and about one in ten fails: at once (no such name) or after the
/// host's lookup timeout. Its draws come from a random source of its own, so worlds without hostnames run as before.
/// (A name whose address changes is a directed core test, <c>HostnameTests</c>: here every node keeps its IP, which
/// replicas and peers also use.)
/// </summary>
internal sealed class NameService(SimWorld world, int seed)
{
    /// <summary>The real host's lookup timeout (<c>HostnameResolver.LookupTimeout</c>).</summary>
    public const long LookupTimeoutMs = 5000;

    private readonly Random _random = new(unchecked(seed * 43 + 17));
    private readonly Dictionary<string, string> _addresses = new(StringComparer.OrdinalIgnoreCase);

    private Invariants.CheckerStats Stats => world.Checker.Stats;

    public IReadOnlyCollection<string> Names => _addresses.Keys;

    public void Register(string name, string ip) => _addresses[name] = ip;

    /// <summary>The name now pointing at <paramref name="ip"/>, if any.</summary>
    public string? NameOf(string ip) => _addresses.FirstOrDefault(a => a.Value == ip).Key;

    /// <summary>A registered name's address as the checker compares addresses; anything else as it is.</summary>
    public string Canonical(string host) => _addresses.GetValueOrDefault(host) ?? host;

    /// <summary>A lookup made while the process starts (the real host waits for it before building the core).</summary>
    public string? ResolveNow(string name)
    {
        Stats.HostnameLookups++;
        if (_random.Next(10) == 0)
        {
            Stats.HostnameFailures++;
            return null;
        }
        return _addresses.GetValueOrDefault(name);
    }

    /// <summary>A lookup off the loop: <paramref name="answer"/> runs after the lookup's delay.</summary>
    public void Resolve(string name, Action<string?> answer)
    {
        Stats.HostnameLookups++;
        int roll = _random.Next(20);
        long delayMs = roll switch
        {
            0 => LookupTimeoutMs,
            1 => 1 + _random.Next(20),
            < 4 => 200 + _random.Next(1300),
            _ => 1 + _random.Next(50),
        };
        string? ip = roll <= 1 ? null : _addresses.GetValueOrDefault(name);
        if (ip is null) Stats.HostnameFailures++;
        world.Queue.After(delayMs, () => answer(ip));
    }
}
