using Vigil.Sentinel.Config;

namespace Vigil.Sentinel.State;

/// <summary>
/// Combines the operator's config with the saved state at start, into the state the core starts from.
/// </summary>
/// <remarks>
/// The rule, field by field (also in docs/state-file.md):
/// <list type="bullet">
/// <item>No state: everything comes from the config, legacy state lines (<c>myid</c>, <c>current-epoch</c>,
/// <c>config-epoch</c>, <c>leader-epoch</c>, <c>known-replica</c>, <c>known-sentinel</c>) included.</item>
/// <item>A setting (quorum, timeouts, scripts, auth, renames, sentinel-wide options) comes from the config if the
/// operator edited it since the last save, i.e. it differs from the config value recorded in the state's
/// baseline; otherwise from the state, which holds the runtime SET / CONFIG SET changes.</item>
/// <item>The master's address comes from the state (failovers move it) unless the operator edited the
/// <c>sentinel monitor</c> line; then the config address wins and the known replicas (of the old topology) are
/// dropped. Epochs, the vote and known sentinels always come from the state.</item>
/// <item>A config master removed at run time stays removed while its config lines are unchanged.</item>
/// <item>A master added at run time (no baseline) comes from the state while the config does not name it; once
/// the config names it, the config's settings and address win. A master that had a baseline but left the
/// config was deleted by the operator and is dropped.</item>
/// <item>A config master the state does not know is taken from the config, legacy lines included.</item>
/// </list>
/// </remarks>
internal static class StateMerger
{
    /// <summary>The merged start state; <see cref="SentinelState.MyId"/> is "" when neither source has one.</summary>
    public static SentinelState Merge(SentinelConfig config, SentinelState? state)
    {
        var wideFromConfig = WideFromConfig(config);
        if (state is null)
        {
            return new SentinelState
            {
                MyId = config.Sentinel.MyId ?? "",
                CurrentEpoch = config.Sentinel.CurrentEpoch,
                Sentinel = wideFromConfig,
                SentinelBaseline = wideFromConfig,
                Masters = config.Masters.Select(FromConfig).ToList(),
            };
        }

        var masters = new List<MasterState>();
        var removed = new List<RemovedMaster>();
        foreach (var configured in config.Masters)
        {
            var baseline = BaselineOf(configured);
            var removal = state.RemovedMasters.FirstOrDefault(r => r.Name == configured.Name);
            if (removal is not null && removal.ConfigBaseline == baseline)
            {
                removed.Add(removal);
                continue;
            }
            var saved = state.Masters.FirstOrDefault(m => m.Name == configured.Name);
            masters.Add(saved is null ? FromConfig(configured) : MergeMaster(baseline, saved));
        }
        foreach (var saved in state.Masters)
        {
            bool inConfig = config.Masters.Any(m => m.Name == saved.Name);
            if (!inConfig && saved.ConfigBaseline is null) masters.Add(saved);
        }

        return new SentinelState
        {
            MyId = state.MyId,
            CurrentEpoch = state.CurrentEpoch,
            Sentinel = MergeWide(wideFromConfig, state.SentinelBaseline, state.Sentinel),
            SentinelBaseline = wideFromConfig,
            Masters = masters,
            RemovedMasters = removed,
        };
    }

    private static MasterState MergeMaster(ConfigBaseline baseline, MasterState saved)
    {
        var old = saved.ConfigBaseline;
        bool addressEdited = old is null || old.Address != baseline.Address;
        return saved with
        {
            Address = addressEdited ? baseline.Address : saved.Address,
            Settings = MergeSettings(baseline.Settings, old?.Settings, saved.Settings),
            ConfigBaseline = baseline,
            KnownReplicas = addressEdited ? [] : saved.KnownReplicas,
            RecentFailovers = addressEdited ? [] : saved.RecentFailovers,
        };
    }

    /// <summary>Per field: the config's value if it differs from what the config said at the last save, else the saved value.</summary>
    public static MasterSettings MergeSettings(MasterSettings fromConfig, MasterSettings? baseline, MasterSettings saved)
    {
        T Pick<T>(Func<MasterSettings, T> field) =>
            baseline is null || !EqualityComparer<T>.Default.Equals(field(fromConfig), field(baseline)) ? field(fromConfig) : field(saved);

        bool renamesEdited = baseline is null || !MasterSettings.RenamesEqual(fromConfig.RenameCommands, baseline.RenameCommands);
        return new MasterSettings
        {
            Quorum = Pick(s => s.Quorum),
            DownAfterMs = Pick(s => s.DownAfterMs),
            FailoverTimeoutMs = Pick(s => s.FailoverTimeoutMs),
            ParallelSyncs = Pick(s => s.ParallelSyncs),
            MasterRebootDownAfterPeriodMs = Pick(s => s.MasterRebootDownAfterPeriodMs),
            FenceWrites = Pick(s => s.FenceWrites),
            FailoverDampingMs = Pick(s => s.FailoverDampingMs),
            NotificationScript = Pick(s => s.NotificationScript),
            ClientReconfigScript = Pick(s => s.ClientReconfigScript),
            AuthPass = Pick(s => s.AuthPass),
            AuthUser = Pick(s => s.AuthUser),
            RenameCommands = renamesEdited ? fromConfig.RenameCommands : saved.RenameCommands,
        };
    }

    public static SentinelWideSettings MergeWide(SentinelWideSettings fromConfig, SentinelWideSettings baseline, SentinelWideSettings saved)
    {
        T Pick<T>(Func<SentinelWideSettings, T> field) =>
            !EqualityComparer<T>.Default.Equals(field(fromConfig), field(baseline)) ? field(fromConfig) : field(saved);

        return new SentinelWideSettings
        {
            AnnounceIp = Pick(s => s.AnnounceIp),
            AnnouncePort = Pick(s => s.AnnouncePort),
            ResolveHostnames = Pick(s => s.ResolveHostnames),
            AnnounceHostnames = Pick(s => s.AnnounceHostnames),
            SentinelUser = Pick(s => s.SentinelUser),
            SentinelPass = Pick(s => s.SentinelPass),
            LogLevel = Pick(s => s.LogLevel),
        };
    }

    private static MasterState FromConfig(MasterConfig configured) => new()
    {
        Name = configured.Name,
        Address = new MasterAddress(configured.Host, configured.Port),
        Settings = SettingsFromConfig(configured),
        ConfigBaseline = BaselineOf(configured),
        ConfigEpoch = configured.ConfigEpoch,
        LeaderEpoch = configured.LeaderEpoch,
        KnownReplicas = configured.KnownReplicas.Select(r => new KnownReplicaState(r.Host, r.Port)).ToList(),
        KnownSentinels = configured.KnownSentinels.Select(s => new KnownSentinelState(s.Host, s.Port, s.RunId)).ToList(),
    };

    public static ConfigBaseline BaselineOf(MasterConfig configured) => new()
    {
        Address = new MasterAddress(configured.Host, configured.Port),
        Settings = SettingsFromConfig(configured),
    };

    /// <summary>The config's lines for the master of that name, or null if the config has none.</summary>
    public static ConfigBaseline? BaselineFromConfig(SentinelConfig config, string name) =>
        config.Masters.FirstOrDefault(m => m.Name == name) is { } configured ? BaselineOf(configured) : null;

    public static MasterSettings SettingsFromConfig(MasterConfig configured) => new()
    {
        Quorum = configured.Quorum,
        DownAfterMs = configured.DownAfterMs,
        FailoverTimeoutMs = configured.FailoverTimeoutMs,
        ParallelSyncs = configured.ParallelSyncs,
        MasterRebootDownAfterPeriodMs = configured.MasterRebootDownAfterPeriodMs,
        FenceWrites = configured.FenceWrites,
        FailoverDampingMs = configured.FailoverDampingMs,
        NotificationScript = configured.NotificationScript,
        ClientReconfigScript = configured.ClientReconfigScript,
        AuthPass = configured.AuthPass,
        AuthUser = configured.AuthUser,
        RenameCommands = configured.RenameCommands.Select(r => new CommandRename(r.Key, r.Value)).ToList(),
    };

    public static SentinelWideSettings WideFromConfig(SentinelConfig config) => new()
    {
        LogLevel = config.Server.LogLevel,
        AnnounceIp = string.IsNullOrEmpty(config.Sentinel.AnnounceIp) ? null : config.Sentinel.AnnounceIp,
        AnnouncePort = config.Sentinel.AnnouncePort,
        ResolveHostnames = config.Sentinel.ResolveHostnames,
        AnnounceHostnames = config.Sentinel.AnnounceHostnames,
        SentinelUser = string.IsNullOrEmpty(config.Sentinel.SentinelUser) ? null : config.Sentinel.SentinelUser,
        SentinelPass = string.IsNullOrEmpty(config.Sentinel.SentinelPass) ? null : config.Sentinel.SentinelPass,
    };
}
