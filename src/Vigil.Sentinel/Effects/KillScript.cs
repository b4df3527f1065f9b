namespace Vigil.Sentinel;

/// <summary>Kill (SIGKILL) the script started for <paramref name="JobId"/>; its end still comes as <see cref="ScriptExited"/>.</summary>
public sealed record KillScript(long JobId) : Effect;
