namespace Vigil.Sentinel.Config;

/// <summary>One monitored master while the file is read; the lists grow line by line.</summary>
internal sealed class MasterDraft(MasterConfig initial)
{
    private readonly List<KnownReplica> _replicas = [];
    private readonly HashSet<string> _replicaKeys = new(StringComparer.Ordinal);
    private readonly List<KnownSentinel> _sentinels = [];
    private readonly HashSet<string> _sentinelRunIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _renameCommands = new(StringComparer.OrdinalIgnoreCase);

    public MasterConfig Config { get; set; } = initial;

    /// <summary>False if a replica with the same address key is already known.</summary>
    public bool TryAddReplica(KnownReplica replica, string addressKey)
    {
        if (!_replicaKeys.Add(addressKey)) return false;
        _replicas.Add(replica);
        return true;
    }

    /// <summary>False if a sentinel with the same run id is already known.</summary>
    public bool TryAddSentinel(KnownSentinel sentinel)
    {
        if (!_sentinelRunIds.Add(sentinel.RunId)) return false;
        _sentinels.Add(sentinel);
        return true;
    }

    /// <summary>False if the command (any case) was already renamed for this master.</summary>
    public bool TryAddRename(string command, string newName) => _renameCommands.TryAdd(command, newName);

    public MasterConfig Build() => Config with
    {
        RenameCommands = new Dictionary<string, string>(_renameCommands, StringComparer.OrdinalIgnoreCase),
        KnownReplicas = [.. _replicas],
        KnownSentinels = [.. _sentinels],
    };
}
