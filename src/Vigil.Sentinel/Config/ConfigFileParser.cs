namespace Vigil.Sentinel.Config;

/// <summary>
/// Reads sentinel.conf text (plus command-line overrides) into <see cref="SentinelConfig"/>, accepting
/// and refusing exactly what redis-sentinel 7.0 does, with its error texts and line numbers.
/// </summary>
/// <remarks>
/// Pure apart from three narrow hooks, each with a default that touches the file system: included
/// files (<c>readInclude</c>), the executable check of script paths (<c>isExecutable</c>) and the
/// existence check of <c>dir</c> (<c>checkDirectory</c>). Tests pass their own.
/// </remarks>
public static class ConfigFileParser
{
    /// <summary>Parses a sentinel config.</summary>
    /// <param name="text">The file's content.</param>
    /// <param name="sourcePath">The file's path, used in errors and kept in <see cref="SentinelConfig.SourcePath"/>.</param>
    /// <param name="overrideArgs">
    /// Command-line arguments after the config path, e.g. <c>--port 1234 --sentinel monitor m 1.2.3.4 6379 2</c>.
    /// They read as lines appended to the file (so they win), numbered after the file's lines.
    /// </param>
    /// <param name="readInclude">
    /// Returns the text of an <c>include</c>d file given the path exactly as written, or null if it
    /// cannot be read (an <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> it throws
    /// is reported with its message). For a path with wildcards, return the matching files' texts
    /// concatenated ("" if none match), as the reference does. Default: refuses every include.
    /// </param>
    /// <param name="isExecutable">
    /// Whether a script path exists and is executable. Relative paths arrive joined to the last
    /// <c>dir</c>. Default: <see cref="IsExecutableFile"/>.
    /// </param>
    /// <param name="checkDirectory">
    /// Returns an error text if <c>dir</c> names no usable directory, else null. Default: the
    /// directory must exist ("No such file or directory").
    /// </param>
    public static ConfigParseResult Parse(
        string text,
        string sourcePath,
        IReadOnlyList<string>? overrideArgs = null,
        Func<string, string?>? readInclude = null,
        Func<string, bool>? isExecutable = null,
        Func<string, string?>? checkDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sourcePath);

        var loader = new ConfigLoader(
            readInclude ?? (static _ => null),
            isExecutable ?? IsExecutableFile,
            checkDirectory ?? DirectoryExists);

        // The reference appends the overrides after a newline, so they are numbered after the file.
        string fullText = overrideArgs is { Count: > 0 }
            ? text + "\n" + CommandLineOptions.ToConfigText(overrideArgs)
            : text;
        try
        {
            loader.LoadText(fullText, sourcePath);
            loader.ApplySentinelLines();
        }
        catch (ConfigLoadException e)
        {
            return ConfigParseResult.Failure(e.Error);
        }
        return ConfigParseResult.Success(loader.Draft.Build(sourcePath));
    }

    /// <summary>
    /// True if redis.conf 7.0 knows the directive (any case), including aliases, the statements
    /// <c>include</c>, <c>rename-command</c>, <c>user</c>, <c>loadmodule</c>, <c>sentinel</c> and the
    /// removed names still accepted. Module options (<c>name.option</c>) are accepted by the parser but
    /// are not in this table.
    /// </summary>
    public static bool IsKnownDirective(string name) => ServerDirectives.ByName.ContainsKey(name.ToLowerInvariant());

    /// <summary>Every directive name of the table, lower case.</summary>
    public static IReadOnlyCollection<string> DirectiveNames { get; } = [.. ServerDirectives.ByName.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Every <c>sentinel</c> sub-directive name, lower case.</summary>
    public static IReadOnlyCollection<string> SentinelDirectiveNames { get; } = [.. SentinelDirectives.ByName.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The default script check: the file exists and has an execute bit (any of user/group/other on Unix).</summary>
    public static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path)) return false;
        if (OperatingSystem.IsWindows()) return true;
        const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & AnyExecute) != 0;
    }

    private static string? DirectoryExists(string path) => Directory.Exists(path) ? null : "No such file or directory";
}
