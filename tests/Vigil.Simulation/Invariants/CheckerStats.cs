namespace Vigil.Simulation.Invariants;

/// <summary>What the checker saw in one run (summed over a campaign).</summary>
internal sealed class CheckerStats
{
    public long Events { get; set; }
    public long Tilts { get; set; }
    public long SubjectiveDowns { get; set; }
    public long ObjectiveDowns { get; set; }
    public long Votes { get; set; }
    public long VoteReplies { get; set; }
    public long FailoversTried { get; set; }
    public long NotElected { get; set; }
    public long Elections { get; set; }
    public long Promotions { get; set; }
    public long SwitchMasters { get; set; }
    public long Persists { get; set; }
    public long HellosChecked { get; set; }
    public long Fences { get; set; }
    public long FencesLifted { get; set; }
    public long FailoversDamped { get; set; }

    /// <summary>Planned switchovers whose replica caught up with the paused master (held to losing no write).</summary>
    public long SwitchoversCaughtUp { get; set; }

    /// <summary>Hostname lookups the sentinels' hosts made (see <c>NameService</c>), and how many failed.</summary>
    public long HostnameLookups { get; set; }
    public long HostnameFailures { get; set; }

    public void Add(CheckerStats other)
    {
        Events += other.Events;
        Tilts += other.Tilts;
        SubjectiveDowns += other.SubjectiveDowns;
        ObjectiveDowns += other.ObjectiveDowns;
        Votes += other.Votes;
        VoteReplies += other.VoteReplies;
        FailoversTried += other.FailoversTried;
        NotElected += other.NotElected;
        Elections += other.Elections;
        Promotions += other.Promotions;
        SwitchMasters += other.SwitchMasters;
        Persists += other.Persists;
        HellosChecked += other.HellosChecked;
        Fences += other.Fences;
        FencesLifted += other.FencesLifted;
        FailoversDamped += other.FailoversDamped;
        SwitchoversCaughtUp += other.SwitchoversCaughtUp;
        HostnameLookups += other.HostnameLookups;
        HostnameFailures += other.HostnameFailures;
    }
}
