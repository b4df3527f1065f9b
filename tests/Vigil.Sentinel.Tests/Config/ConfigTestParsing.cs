using Vigil.Sentinel.Config;

namespace Vigil.Sentinel.Tests.Config;

/// <summary>Parses config text with in-memory files: nothing here touches the disk.</summary>
internal static class ConfigTestParsing
{
    public const string ConfigPath = "/etc/vigil/sentinel.conf";

    public static ConfigParseResult Parse(
        string text,
        IReadOnlyList<string>? args = null,
        IReadOnlyDictionary<string, string>? includes = null,
        IReadOnlySet<string>? executables = null,
        IReadOnlySet<string>? missingDirectories = null) =>
        ConfigFileParser.Parse(
            text,
            ConfigPath,
            args,
            readInclude: path => includes?.GetValueOrDefault(path),
            isExecutable: path => executables?.Contains(path) ?? false,
            checkDirectory: path => missingDirectories?.Contains(path) == true ? "No such file or directory" : null);

    public static SentinelConfig ParseOk(string text, IReadOnlyList<string>? args = null, IReadOnlyDictionary<string, string>? includes = null, IReadOnlySet<string>? executables = null)
    {
        ConfigParseResult result = Parse(text, args, includes, executables);
        Assert.True(result.IsSuccess, result.Error?.Format());
        return result.Config;
    }

    public static ConfigError ParseError(string text, IReadOnlyList<string>? args = null, IReadOnlyDictionary<string, string>? includes = null, IReadOnlySet<string>? executables = null, IReadOnlySet<string>? missingDirectories = null)
    {
        ConfigParseResult result = Parse(text, args, includes, executables, missingDirectories);
        Assert.False(result.IsSuccess, "expected the config to be refused");
        return result.Error;
    }

    /// <summary>Lines joined with '\n' and a final newline, as files are written.</summary>
    public static string Lines(params string[] lines) => string.Join("\n", lines) + "\n";
}
