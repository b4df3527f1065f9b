namespace Vigil.Sentinel.Config;

/// <summary>The words <c>loglevel</c> takes, in the config file and in <c>SENTINEL CONFIG SET</c>.</summary>
public static class LogLevelNames
{
    public static IReadOnlyList<string> All { get; } = ["debug", "verbose", "notice", "warning", "nothing"];

    /// <summary>Case-insensitive, as the reference compares them.</summary>
    public static LogLevel? Parse(string word)
    {
        for (int i = 0; i < All.Count; i++)
        {
            if (All[i].Equals(word, StringComparison.OrdinalIgnoreCase)) return (LogLevel)i;
        }
        return null;
    }

    public static string Name(LogLevel level) => All[(int)level];
}
