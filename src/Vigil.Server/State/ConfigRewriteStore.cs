using System.Text;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.State;
using Vigil.Server.Logging;

namespace Vigil.Server.State;

/// <summary>
/// The compatibility mode (<c>vigil --config-rewrite</c>): every save rewrites sentinel.conf in the reference's
/// format (<see cref="ReferenceConfigWriter"/>), for tools that read the state from there. The file is read again
/// each time so the operator's lines and comments stay, then replaced atomically. Nothing else is written: the
/// config file is the whole state, read back at the next start.
/// </summary>
public sealed class ConfigRewriteStore(string configPath, bool denyScriptsReconfig, Func<string, string?> resolveHostname, SentinelLog log)
    : IStateStore
{
    public string Path { get; } = System.IO.Path.GetFullPath(configPath);

    public bool Save(SentinelState state)
    {
        try
        {
            string text = ReferenceConfigWriter.Rewrite(ReadOldText(), state, denyScriptsReconfig, resolveHostname);
            // 0600, where the reference leaves 0644: the rewritten file holds auth-pass and sentinel-pass.
            AtomicFile.Write(Path, Encoding.UTF8.GetBytes(text), AtomicFile.OwnerOnly);
            log.Notice("Sentinel new configuration saved on disk");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.Warning($"WARNING: Sentinel was not able to save the new configuration on disk!!!: {ex.Message}");
            return false;
        }
    }

    /// <summary>The file as it is now; null when it is gone (it is then written from scratch, as the reference does).</summary>
    private string? ReadOldText()
    {
        try
        {
            return File.ReadAllText(Path, Encoding.UTF8);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Null when the config file can be rewritten, else why not (checked once at start, as the reference does).</summary>
    public string? ProbeWritable()
    {
        try
        {
            using var stream = new FileStream(Path, System.IO.FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            return AtomicFile.ProbeWritable(System.IO.Path.GetDirectoryName(Path) ?? ".");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }
}
