namespace Vigil.Sentinel;

/// <summary>
/// A script started by <see cref="RunScript"/> ended: <paramref name="Signal"/> is the signal that killed it (0 if it
/// exited), <paramref name="ExitCode"/> its exit status otherwise.
/// </summary>
public sealed record ScriptExited(long NowMs, long JobId, int ExitCode, int Signal) : Input(NowMs);
