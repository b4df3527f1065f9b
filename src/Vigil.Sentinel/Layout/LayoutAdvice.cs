using System.Globalization;
using Vigil.Sentinel.Config;

namespace Vigil.Sentinel.Layout;

/// <summary>
/// Layouts that invite split brain, judged from what is known: the config file (quorum, and the sentinels its
/// <c>known-sentinel</c> lines name) for <c>vigil check-config</c> and start-up, and the group discovery shows at
/// run time. Pure: the caller prints, logs or publishes the warnings.
/// </summary>
public static class LayoutAdvice
{
    /// <summary>What the config file alone shows (the sentinel count only when it has known-sentinel lines).</summary>
    public static IReadOnlyList<LayoutWarning> FromConfig(SentinelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var warnings = new List<LayoutWarning>();
        foreach (var master in config.Masters)
        {
            int known = master.KnownSentinels.Select(s => s.RunId).Distinct(StringComparer.Ordinal).Count();
            warnings.AddRange(ForMaster(master.Name, master.Quorum, known == 0 ? null : known + 1, twoSentinelsBesideMasterAndReplica: false));
        }
        return warnings;
    }

    /// <summary>
    /// The warnings for one master. <paramref name="sentinels"/> counts this sentinel too; null when not known yet.
    /// <paramref name="twoSentinelsBesideMasterAndReplica"/>: the only two sentinels run on the master's host and on
    /// a replica's host (the layout the Sentinel documentation calls its Example 1).
    /// </summary>
    public static IReadOnlyList<LayoutWarning> ForMaster(string name, int quorum, int? sentinels, bool twoSentinelsBesideMasterAndReplica)
    {
        var warnings = new List<LayoutWarning>();
        void Add(string kind, FormattableString text) => warnings.Add(new LayoutWarning(name, kind, text.ToString(CultureInfo.InvariantCulture)));

        if (quorum == 1)
        {
            Add("quorum-1", $"quorum 1: one sentinel that loses sight of the master, a cut-off one included, declares it down on its own; set the quorum to a majority of the sentinels (2 of 3: SENTINEL SET {name} quorum 2, or the last word of 'sentinel monitor')");
        }
        if (sentinels is { } n)
        {
            int majority = n / 2 + 1;
            if (quorum > 1 && quorum < majority)
            {
                Add("quorum-not-majority", $"quorum {quorum} is not a majority of the {n} sentinels: a minority of them can declare the master down; set it to {majority} (SENTINEL SET {name} quorum {majority})");
            }
            if (n < 3)
            {
                Add("fewer-than-three-sentinels", $"only {n} sentinel(s): a failover needs a majority of them, so losing the box of one blocks every failover, and the cut-off side cannot be told from the failed one; run at least three sentinels on three separate boxes");
            }
        }
        if (twoSentinelsBesideMasterAndReplica)
        {
            Add("two-sentinels-beside-master-and-replica", $"the only two sentinels run beside the master and beside a replica: when the master's box fails the other sentinel alone is no majority and nothing fails over, and with quorum 1 a cut between the boxes gives two masters; add a third sentinel on a third box (a client host will do) and set the quorum to 2");
        }
        return warnings;
    }
}
