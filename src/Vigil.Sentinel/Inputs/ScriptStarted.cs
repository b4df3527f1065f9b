namespace Vigil.Sentinel;

/// <summary>A script started by <see cref="RunScript"/> is running as process <paramref name="Pid"/> (shown by PENDING-SCRIPTS).</summary>
public sealed record ScriptStarted(long NowMs, long JobId, int Pid) : Input(NowMs);
