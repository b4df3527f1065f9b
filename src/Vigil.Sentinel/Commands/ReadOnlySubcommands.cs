namespace Vigil.Sentinel.Commands;

/// <summary>
/// SENTINEL subcommands that only read: after one of them no master's due times need recomputing. Every other
/// subcommand may change any master (settings, epochs, votes, the set of masters), so it touches them all.
/// </summary>
internal static class ReadOnlySubcommands
{
    private static readonly HashSet<string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        "ckquorum", "get-master-addr-by-name", "help", "info-cache", "master", "masters", "myid",
        "pending-scripts", "replicas", "sentinels", "slaves",
    };

    /// <param name="words">The words after SENTINEL.</param>
    public static bool Contains(IReadOnlyList<string> words) => words.Count > 0 && Names.Contains(words[0]);
}
