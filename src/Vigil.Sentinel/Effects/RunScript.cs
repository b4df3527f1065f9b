namespace Vigil.Sentinel;

/// <summary>
/// Start <paramref name="Path"/> with <paramref name="Args"/> (argv[1..]) and this process's environment, without a
/// shell. Report <see cref="ScriptStarted"/> once it runs and <see cref="ScriptExited"/> when it ends; a start that
/// fails (missing or non-executable file) is reported as <see cref="ScriptExited"/> with exit code 2, as the
/// reference's child does when <c>execve</c> fails.
/// </summary>
public sealed record RunScript(long JobId, string Path, IReadOnlyList<string> Args) : Effect
{
    public bool Equals(RunScript? other) => other is not null && JobId == other.JobId && Path == other.Path && Args.SequenceEqual(other.Args);
    public override int GetHashCode() => HashCode.Combine(JobId, Path, Args.Count);
    public override string ToString() => $"RunScript {{ JobId = {JobId}, Path = {Path}, Args = [{string.Join(' ', Args)}] }}";
}
