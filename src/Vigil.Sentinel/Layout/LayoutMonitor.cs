using Vigil.Sentinel.Config;
using Vigil.Sentinel.Events;
using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Layout;

/// <summary>
/// Once discovery has had time to find the group's sentinels, publishes <c>+layout-warning</c> for each layout
/// warning that applies to a master (see <see cref="LayoutAdvice"/>), once each, again only if it goes away and
/// comes back. Published at notice level: the layout is the operator's choice, not an incident, so it does not run
/// the notification script.
/// </summary>
internal sealed class LayoutMonitor(CoreSettings settings, CoreClock clock, EventEmitter events)
{
    public void Check(MasterRecord master)
    {
        if (clock.NowMs < master.MonitoringStartedAtMs + Limits.DiscoveryPublishPeriods * settings.Timings.PublishPeriodMs) return;
        // The same layout gives the same warnings, already announced: nothing to build (checked every second per master).
        var layout = new MasterLayout(master.Settings.Quorum, master.Peers.Count + 1, TwoSentinelsBesideMasterAndReplica(master));
        if (master.LayoutChecked == layout) return;
        master.LayoutChecked = layout;
        var warnings = LayoutAdvice.ForMaster(master.Name, layout.Quorum, layout.Sentinels, layout.TwoSentinelsBesideMasterAndReplica);
        var kinds = warnings.Select(w => w.Kind).ToHashSet(StringComparer.Ordinal);
        foreach (var warning in warnings)
        {
            if (master.LayoutWarningsAnnounced.Add(warning.Kind)) events.About(LogLevel.Notice, "+layout-warning", master, " " + warning.Text);
        }
        master.LayoutWarningsAnnounced.IntersectWith(kinds);
    }

    /// <summary>Two sentinels: one of us on the master's host and the other on a replica's, or the other way round.</summary>
    private static bool TwoSentinelsBesideMasterAndReplica(MasterRecord master)
    {
        if (master.Peers.Count != 1 || master.Link.CommandLocalIp is not { } ownHost) return false;
        string peerHost = master.Peers.Values.First().Address.ConnectHost;
        string masterHost = master.Address.ConnectHost;
        bool BesideReplica(string host) => master.Replicas.Values.Any(r => string.Equals(r.Address.ConnectHost, host, StringComparison.OrdinalIgnoreCase));
        bool BesideMaster(string host) => string.Equals(masterHost, host, StringComparison.OrdinalIgnoreCase);
        return (BesideMaster(ownHost) && BesideReplica(peerHost)) || (BesideMaster(peerHost) && BesideReplica(ownHost));
    }
}

/// <summary>What the layout warnings of a master depend on.</summary>
internal readonly record struct MasterLayout(int Quorum, int Sentinels, bool TwoSentinelsBesideMasterAndReplica);
