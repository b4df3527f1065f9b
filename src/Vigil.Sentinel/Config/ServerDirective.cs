namespace Vigil.Sentinel.Config;

/// <summary>How a directive's words are counted and what a wrong count is called.</summary>
internal enum DirectiveShape
{
    /// <summary>A config with exactly one value; any other count is "wrong number of arguments".</summary>
    SingleValue,

    /// <summary>A config taking any number of values that checks them itself. A single non-empty value
    /// is split again into words, so <c>--bind "127.0.0.1 ::1"</c> works.</summary>
    MultiValue,

    /// <summary>Not a config but a statement (<c>include</c>, <c>user</c>, …): a wrong count makes the
    /// line "Bad directive or wrong number of arguments".</summary>
    Statement,
}

/// <summary>Reads one directive's values into the draft; returns the reference's error text, or null.</summary>
internal delegate string? ServerDirectiveHandler(ConfigLoader loader, IReadOnlyList<string> values);

/// <summary>One row of the redis.conf directive table.</summary>
/// <param name="Name">Lower-case name as written in redis.conf (aliases are rows of their own).</param>
/// <param name="MinValues">Fewest values after the name (Statement shape only).</param>
/// <param name="MaxValues">Most values after the name (Statement shape only).</param>
internal sealed record ServerDirective(
    string Name,
    DirectiveShape Shape,
    int MinValues,
    int MaxValues,
    ServerDirectiveHandler Handle)
{
    /// <summary>
    /// A redis-server setting that changes nothing in a sentinel (data, persistence, replication, cluster...):
    /// checked, then left alone. <c>vigil check-config</c> lists each such line.
    /// </summary>
    public bool NoEffect { get; init; }

    /// <summary>
    /// A redis-server knob for its own allocator, event loop or I/O threads, which the .NET runtime under Vigil
    /// handles by itself (docs/process-directives.md): accepted with any valid value; <c>vigil check-config</c> lists it.
    /// </summary>
    public bool RuntimeTuning { get; init; }

    public bool AcceptsValueCount(int count) => Shape switch
    {
        DirectiveShape.SingleValue => count == 1,
        DirectiveShape.MultiValue => true,
        _ => count >= MinValues && count <= MaxValues,
    };
}
