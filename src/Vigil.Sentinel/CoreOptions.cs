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
    /// The hostnames of the config and the saved state (<see cref="State.StartupHostnames.Of"/>) as the host resolved
    /// them before starting the core (null: did not resolve). The core starts with these answers, so a restart with
    /// <c>resolve-hostnames yes</c> finds its instances at once; any other name it asks with <see cref="ResolveHostname"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string?> ResolvedHostnames { get; init; } = new Dictionary<string, string?>();
}
