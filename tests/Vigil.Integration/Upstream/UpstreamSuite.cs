using System.Globalization;
using Vigil.Integration.Infrastructure;

namespace Vigil.Integration.Upstream;

/// <summary>
/// Where the upstream Redis sentinel suite comes from and how it is run. Nothing of the suite is in this
/// repository: a runner script extracts <c>tests/sentinel</c> of Redis 7.0.15 from a local redis git mirror, runs
/// it with a given sentinel command, and ends its output with <c>N passed, N failed</c>. Both are local resources,
/// named by environment variables; without them (as in CI) the tests are skipped.
/// </summary>
public static class UpstreamSuite
{
    /// <summary>A redis git directory (bare mirror or work tree) that holds the tag 7.0.15.</summary>
    public const string RedisGitVariable = "VIGIL_REDIS_GIT";

    /// <summary>The runner script (run-suite.sh) to use.</summary>
    public const string RunnerVariable = "VIGIL_UPSTREAM_SUITE_RUNNER";

    public static string? RedisGit => Environment.GetEnvironmentVariable(RedisGitVariable);
    public static string? Runner => Environment.GetEnvironmentVariable(RunnerVariable);

    /// <summary>Why the suite cannot run here, or null when it can.</summary>
    public static string? Unavailable()
    {
        if (string.IsNullOrEmpty(RedisGit)) return $"{RedisGitVariable} is not set (path of a redis git mirror holding tag 7.0.15)";
        if (!Directory.Exists(RedisGit)) return $"{RedisGitVariable}={RedisGit} is not a directory";
        if (string.IsNullOrEmpty(Runner)) return $"{RunnerVariable} is not set (path of run-suite.sh)";
        if (!File.Exists(Runner)) return $"{RunnerVariable}={Runner} does not exist";
        foreach (string tool in new[] { "tclsh", "redis-server", "git" })
        {
            if (FindOnPath(tool) is null) return $"{tool} is not installed";
        }
        return null;
    }

    /// <summary>Runs one test file with vigil as the sentinel; returns the runner's counts and its summary.</summary>
    public static async Task<SuiteResult> RunFileAsync(string file, bool configRewrite, string outDirectory, TimeSpan timeout)
    {
        string sentinel = RedisNodes.VigilCommandLine + (configRewrite ? " --config-rewrite" : "");
        var result = await Cli.RunAsync("bash",
            [Runner!, "--redis-git", RedisGit!, "--sentinel", sentinel, "--only", file, "--out", outDirectory],
            timeout).ConfigureAwait(false);
        string summaryPath = Path.Combine(outDirectory, "summary.txt");
        string summary = File.Exists(summaryPath) ? await File.ReadAllTextAsync(summaryPath).ConfigureAwait(false) : result.Stdout + result.Stderr;
        var (passed, failed) = ParseCounts(result.Stdout);
        return new SuiteResult(result.ExitCode, passed, failed, summary);
    }

    /// <summary>The runner's last line: <c>N passed, N failed</c>; (0, -1) when it is missing.</summary>
    public static (int Passed, int Failed) ParseCounts(string stdout)
    {
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0) return (0, -1);
        var words = lines[^1].Split(' ');
        if (words is [var passed, "passed,", var failed, "failed"]
            && int.TryParse(passed, NumberStyles.None, CultureInfo.InvariantCulture, out int p)
            && int.TryParse(failed, NumberStyles.None, CultureInfo.InvariantCulture, out int f))
        {
            return (p, f);
        }
        return (0, -1);
    }

    private static string? FindOnPath(string tool)
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, tool);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
