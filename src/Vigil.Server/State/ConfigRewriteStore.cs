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
    /// <summary>The reference's mode for its rewritten file, before the umask.</summary>
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public string Path { get; } = System.IO.Path.GetFullPath(configPath);

    public bool Save(SentinelState state)
    {
        try
        {
            string text = ReferenceConfigWriter.Rewrite(ReadOldText(), state, denyScriptsReconfig, resolveHostname);
            AtomicFile.Write(Path, Encoding.UTF8.GetBytes(text), FileMode);
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
