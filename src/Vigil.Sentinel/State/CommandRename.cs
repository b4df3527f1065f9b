namespace Vigil.Sentinel.State;

/// <summary><c>rename-command &lt;command&gt; &lt;renamed-to&gt;</c> for one master's instances.</summary>
public sealed record CommandRename(string Command, string RenamedTo);
