using Xunit.Abstractions;

namespace Vigil.Integration.Upstream;

/// <summary>
/// The upstream Redis 7.0.15 sentinel suite, one test file per case, with vigil in place of redis-sentinel
/// (redis-sentinel passes all of them). Slow (minutes), so it carries the <c>UpstreamSuite</c> category, which
/// the default test run leaves out. Run it with:
/// <code>
/// VIGIL_REDIS_GIT=/path/to/redis.git VIGIL_UPSTREAM_SUITE_RUNNER=/path/to/run-suite.sh \
///     dotnet test tests/Vigil.Integration --filter Category=UpstreamSuite
/// </code>
/// </summary>
[Trait("Category", "UpstreamSuite")]
[Collection(UpstreamSuiteCollection.Name)]
public sealed class UpstreamSuiteTests(ITestOutputHelper output)
{
    private static readonly TimeSpan FileTimeout = TimeSpan.FromMinutes(12);

    /// <summary>
    /// Every test case of the file passes. File 03 needs the reference's config rewriting: it checks that a failed
    /// save of sentinel.conf is reported, so it runs with <c>--config-rewrite</c>; the others use the state file.
    /// </summary>
    [UpstreamSuiteTheory]
    [InlineData("03-runtime-reconf", true)]
    [InlineData("06-ckquorum", false)]
    [InlineData("07-down-conditions", false)]
    [InlineData("08-hostname-conf", false)]
    [InlineData("09-acl-support", false)]
    [InlineData("10-replica-priority", false)]
    [InlineData("11-port-0", false)]
    [InlineData("13-info-command", false)]
    public async Task UpstreamTestFilePassesWithVigil(string file, bool configRewrite)
    {
        string outDirectory = Path.Combine(Path.GetTempPath(), $"vigil-upstream-{file}-{Guid.NewGuid():N}");
        try
        {
            var result = await UpstreamSuite.RunFileAsync(file, configRewrite, outDirectory, FileTimeout);
            output.WriteLine(result.Summary);

            Assert.True(result.ExitCode == 0, $"the runner could not run the suite (exit {result.ExitCode})");
            Assert.True(result.Passed > 0 && result.Failed == 0, $"{result.Passed} passed, {result.Failed} failed:\n{result.Summary}");
        }
        finally
        {
            try { Directory.Delete(outDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
