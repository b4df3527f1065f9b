namespace Vigil.Integration.Upstream;

/// <summary>What one run of the upstream suite runner came to: its exit code, its counts and its summary.</summary>
public sealed record SuiteResult(int ExitCode, int Passed, int Failed, string Summary);
