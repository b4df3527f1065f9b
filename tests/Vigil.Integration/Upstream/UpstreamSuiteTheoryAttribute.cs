namespace Vigil.Integration.Upstream;

/// <summary>
/// A theory that is skipped, with the reason shown, when the upstream suite cannot run on this machine (no redis
/// mirror, runner or tclsh; see <see cref="UpstreamSuite"/>). The check runs when tests are discovered.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class UpstreamSuiteTheoryAttribute : TheoryAttribute
{
    public UpstreamSuiteTheoryAttribute()
    {
        if (UpstreamSuite.Unavailable() is { } reason) Skip = $"Upstream sentinel suite not available: {reason}";
    }
}
