using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.State;

/// <summary>Builds the <see cref="SentinelState"/> to save from the core's records.</summary>
internal static class StateSnapshot
{
    public static SentinelState Take(CoreSettings settings, Epochs epochs, MonitorState monitored) => new()
    {
        MyId = monitored.MyId,
        CurrentEpoch = epochs.Current,
        Sentinel = settings.Wide,
        SentinelBaseline = StateMerger.WideFromConfig(settings.Config),
        Masters = monitored.Masters.Values.Select(m => Master(m, settings.Options)).ToList(),
        RemovedMasters = monitored.RemovedMasters.ToList(),
    };

    /// <summary>
    /// The current address is saved (the promoted replica's from reconf_slaves on); the promoted replica is then
    /// listed under the old master's address, which becomes a replica after the switch.
    /// </summary>
    private static MasterState Master(MasterRecord master, CoreOptions options)
    {
        var current = master.CurrentAddress;
        bool moved = !ReferenceEquals(current, master.Address);
        return new MasterState
        {
            Name = master.Name,
            Address = new MasterAddress(current.Hostname, current.Port),
            Settings = master.Settings,
            ConfigBaseline = master.ConfigBaseline,
            ConfigEpoch = master.ConfigEpoch,
            ConfigEpochForced = master.ConfigEpochForced,
            LeaderEpoch = master.LeaderEpoch,
            Leader = master.Leader,
            RecentFailovers = Failover.DampingHistory.Save(master, options),
            KnownReplicas = master.Replicas.Values
                .Select(r => moved && r == master.PromotedReplica ? master.Address : r.Address)
                .Select(a => new KnownReplicaState(a.Hostname, a.Port))
                .ToList(),
            KnownSentinels = master.Peers.Values
                .Select(p => new KnownSentinelState(p.Address.Hostname, p.Address.Port, p.Name))
                .ToList(),
        };
    }
}
