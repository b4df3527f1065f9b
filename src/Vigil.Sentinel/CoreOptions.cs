namespace Vigil.Sentinel;

/// <summary>What the host tells the core about its surroundings. Nothing here is read from the environment.</summary>
public sealed record CoreOptions
{
    /// <summary>Seed of the core's only source of randomness (new run ids, election desync).</summary>
    public int RandomSeed { get; init; }

    /// <summary>The port this sentinel listens on; announced in hello messages unless <c>announce-port</c> is set.</summary>
    public int ListeningPort { get; init; }

    /// <summary>Monotonic time at construction; records created at start count their timers from here.</summary>
    public long StartNowMs { get; init; }

    /// <summary>
    /// Wall-clock time (Unix milliseconds) at <see cref="StartNowMs"/>: dates the failovers kept for flap damping in the
    /// state file, so that a restart keeps them. 0 means unknown: they are then neither saved nor restored.
    /// </summary>
    public long StartWallMs { get; init; }

    /// <summary>
    /// Whether SENTINEL CONFIG GET/SET know <c>loglevel</c> (redis-sentinel 7.2 and later; 7.0 refuses it and does
    /// not list it).
    /// </summary>
    public bool ConfigLogLevel { get; init; } = true;

    /// <summary>
    /// Whether every tick also visits the masters it skipped as not due and fails (<see cref="InvariantViolation"/>)
    /// if such a visit did anything: proof, in the tests and the simulator, that the due times a tick relies on miss no
    /// rule. Costs a visit of every record per tick, so production leaves it off.
    /// </summary>
    public bool CheckSkippedVisits { get; init; }

    /// <summary>The Redis version this sentinel claims to be.</summary>
    public string Version { get; init; } = "7.0.15";

    /// <summary>
    /// Whether a script path exists and is executable (<c>SENTINEL SET notification-script</c>). The default refuses
    /// every path, so a host that cannot check never accepts a script by accident.
    /// </summary>
    public Func<string, bool> IsExecutable { get; init; } = static _ => false;

    /// <summary>
    /// Resolves a hostname to an IP address when <c>resolve-hostnames yes</c>; null when it cannot. Literal IP
    /// addresses never reach it. Without a resolver every hostname counts as unresolvable (the record keeps the
    /// hostname and an empty IP, and <see cref="OpenLink"/> then carries the hostname for the host to resolve).
    /// </summary>
    public Func<string, string?>? ResolveHostname { get; init; }
}
