namespace Vigil.Server;

/// <summary>
/// Which redis-sentinel release Vigil presents itself as, where two releases cannot both be matched: 7.0 has
/// exactly 72 command names and no CLIENT SETINFO, 7.2 and later have CLIENT SETINFO (73); SENTINEL CONFIG GET *
/// lists six parameters in 7.0 and seven (with loglevel) later. What later releases only added (several
/// parameters per SENTINEL CONFIG call, FAILOVER ... COORDINATED) is accepted in both.
/// </summary>
public sealed record RedisCompatibility(string Version, bool HasClientSetInfo)
{
    /// <summary>SENTINEL CONFIG GET/SET know loglevel (7.2+).</summary>
    public bool HasConfigLogLevel => HasClientSetInfo;

    /// <summary>The default: a drop-in for Debian's redis-sentinel 7.0.</summary>
    public static RedisCompatibility Redis70 { get; } = new("7.0.15", HasClientSetInfo: false);

    public static RedisCompatibility Redis74 { get; } = new("7.4.1", HasClientSetInfo: true);

    /// <summary>"7.0" or "7.4" (what <c>--compat</c> takes); null for anything else.</summary>
    public static RedisCompatibility? Parse(string text) => text switch
    {
        "7.0" => Redis70,
        "7.4" => Redis74,
        _ => null,
    };
}
