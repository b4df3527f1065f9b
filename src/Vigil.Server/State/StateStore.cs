using System.Text;
using Vigil.Sentinel.State;
using Vigil.Server.Logging;

namespace Vigil.Server.State;

/// <summary>
/// Where the sentinel keeps what it learns (its id, epochs, current master addresses, known replicas
/// and sentinels, run-time MONITOR/SET/REMOVE changes): a JSON file beside the config, replaced
/// atomically. The operator's sentinel.conf is never written.
/// </summary>
public sealed class StateStore(string path, SentinelLog log) : IStateStore
{
    public string Path { get; } = path;

    public static string PathFor(string configPath) =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(configPath)) ?? ".",
            System.IO.Path.GetFileName(configPath) + ".state.json");

    public SentinelState? Load()
    {
        if (!File.Exists(Path)) return null;
        return SentinelState.FromJson(File.ReadAllText(Path, Encoding.UTF8));
    }

    public bool Save(SentinelState state)
    {
        try
        {
            // Owner-only (0600): the state holds auth-pass and sentinel-pass.
            AtomicFile.Write(Path, Encoding.UTF8.GetBytes(state.ToJson()), AtomicFile.OwnerOnly);
            log.Notice("Sentinel new configuration saved on disk");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.Warning($"WARNING: Sentinel was not able to save the new configuration on disk!!!: {ex.Message}");
            return false;
        }
    }
}
