using System.Globalization;
using System.Text;
using Vigil.Simulation.Faults;
using Vigil.Simulation.Invariants;
using Vigil.Simulation.World;

namespace Vigil.Simulation.Running;

/// <summary>Totals over the seeds of a campaign, and the failing ones.</summary>
internal sealed class CampaignSummary
{
    private readonly List<long> _convergence = [];

    public long Seeds { get; private set; }
    public List<SeedResult> Failures { get; } = [];
    public long SimulatedMs { get; private set; }
    public long Events { get; private set; }
    public long WritesAcked { get; private set; }
    public long WritesLost { get; private set; }
    public double WallSeconds { get; set; }
    public CheckerStats Stats { get; } = new();
    public Dictionary<FaultKind, long> Faults { get; } = [];

    public void Add(SeedResult result)
    {
        Seeds++;
        SimulatedMs += result.SimulatedMs;
        Events += result.EventsRun;
        WritesAcked += result.WritesAcked;
        WritesLost += result.WritesLost;
        Stats.Add(result.Stats);
        foreach (var (kind, count) in result.Faults) Faults[kind] = Faults.GetValueOrDefault(kind) + count;
        if (result.ConvergedAfterHealMs is { } converged) _convergence.Add(converged);
        if (!result.Passed) Failures.Add(result);
    }

    public double SeedsPerSecond => WallSeconds > 0 ? Seeds / WallSeconds : 0;
    public double SimulatedHours => SimulatedMs / 3_600_000.0;
    public double SimulatedHoursPerWallSecond => WallSeconds > 0 ? SimulatedHours / WallSeconds : 0;

    public string ProgressLine(long target) => string.Create(CultureInfo.InvariantCulture,
        $"seeds {Seeds}/{target}  failed {Failures.Count}  {SeedsPerSecond:0.0} seeds/s  {SimulatedHoursPerWallSecond:0.00} sim-h/s  sim {SimulatedHours:0.0} h");

    public string Format()
    {
        var sb = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        sb.AppendLine(string.Create(c, $"seeds run:            {Seeds} ({Seeds - Failures.Count} passed, {Failures.Count} failed)"));
        sb.AppendLine(string.Create(c, $"wall time:            {WallSeconds:0.0} s  ({SeedsPerSecond:0.0} seeds/s)"));
        sb.AppendLine(string.Create(c, $"simulated:            {SimulatedHours:0.00} h  ({SimulatedHoursPerWallSecond:0.00} simulated hours per wall-clock second)"));
        sb.AppendLine(string.Create(c, $"events:               {Events} ({(WallSeconds > 0 ? Events / WallSeconds : 0):0} per second)"));
        sb.AppendLine(string.Create(c, $"sentinel events:      {Stats.Events}; +tilt {Stats.Tilts}, +sdown {Stats.SubjectiveDowns}, +odown {Stats.ObjectiveDowns}"));
        sb.AppendLine(string.Create(c, $"elections:            +try-failover {Stats.FailoversTried}, +elected-leader {Stats.Elections}, -failover-abort-not-elected {Stats.NotElected}, +promoted-slave {Stats.Promotions}, +switch-master {Stats.SwitchMasters}"));
        sb.AppendLine(string.Create(c, $"split brain:          +fence {Stats.Fences} (lifted for a master the majority still names: {Stats.FencesLifted}), +failover-damped {Stats.FailoversDamped}"));
        sb.AppendLine(string.Create(c, $"votes:                +vote-for-leader {Stats.Votes}, vote answers checked {Stats.VoteReplies}"));
        sb.AppendLine(string.Create(c, $"checked:              {Stats.Persists} saved states, {Stats.HellosChecked} hello payloads"));
        sb.AppendLine(string.Create(c, $"hostnames:            {Stats.HostnameLookups} lookups, {Stats.HostnameFailures} failed"));
        sb.AppendLine(string.Create(c, $"writes:               {WritesAcked} acknowledged, {WritesLost} lost (excused or within bounds); planned switchovers caught up {Stats.SwitchoversCaughtUp}"));
        if (_convergence.Count > 0)
        {
            _convergence.Sort();
            sb.AppendLine(string.Create(c,
                $"converged after heal: p50 {_convergence[_convergence.Count / 2]} ms, p99 {_convergence[(int)(_convergence.Count * 0.99)]} ms, max {_convergence[^1]} ms"));
        }
        sb.AppendLine(string.Create(c, $"process:              {GC.GetTotalAllocatedBytes() / 1_000_000} MB allocated, GCs {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} (pauses {GC.GetTotalPauseDuration().TotalSeconds:0.0} s), CPU {Environment.CpuUsage.TotalTime.TotalSeconds:0.0} s, gen0size {Environment.GetEnvironmentVariable("DOTNET_GCgen0size") ?? "default"}"));
        sb.Append("faults injected:     ");
        foreach (var (kind, count) in Faults.OrderByDescending(f => f.Value)) sb.Append(c, $" {kind} {count},");
        sb.AppendLine();
        return sb.ToString();
    }
}
