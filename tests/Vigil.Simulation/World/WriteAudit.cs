using Vigil.Simulation.Invariants;

namespace Vigil.Simulation.World;

/// <summary>
/// Invariant 6, once the world converged: acknowledged writes missing from the final master. None may be lost
/// without a failover, nor when every failover of the group was a planned switchover that kept its pause. When min-replicas-to-write names every replica, at most
/// what a master cut off from them can accept within min-replicas-max-lag (plus replication delay) per failover.
/// Groups where a node restarted without data are excused (that loses writes by itself).
/// </summary>
internal static class WriteAudit
{
    /// <summary>Returns the number of lost writes across all groups; throws if a bound is broken.</summary>
    public static long Check(SimWorld world, IReadOnlySet<int> dataLossGroups)
    {
        long total = 0;
        foreach (var writer in world.Writers)
        {
            int group = writer.Group;
            var master = LivenessCheck.AgreedMaster(world, group);
            if (master is null) continue;
            var present = master.Log.ToHashSet();
            var lost = writer.Acked.Where(w => !present.Contains(w.Id)).ToList();
            total += lost.Count;
            if (lost.Count == 0 || dataLossGroups.Contains(group)) continue;

            string name = world.Scenario.MasterNames[group];
            var failoverEpochs = world.Checker.FailoverEpochsByGroup.GetValueOrDefault(group);
            int failovers = failoverEpochs?.Count ?? 0;
            string sample = string.Join(", ", lost.Take(5).Select(w => $"#{w.Id} by {w.Node} at {w.AtMs}"));
            if (failovers == 0)
            {
                throw new InvariantViolationException("acknowledged-writes-kept",
                    $"{lost.Count} acknowledged writes to {name} are missing from its final master {master.Name} though no failover happened ({sample})");
            }
            if (world.Scenario.PlannedFailover
                && world.Checker.CaughtUpSwitchoverEpochsByGroup.GetValueOrDefault(group) is { } planned
                && failoverEpochs!.IsSubsetOf(planned))
            {
                throw new InvariantViolationException("planned-failover-loses-nothing",
                    $"{lost.Count} acknowledged writes to {name} lost across a planned SENTINEL FAILOVER ({sample})");
            }
            int minReplicas = world.Scenario.MinReplicasToWrite[group];
            if (minReplicas > 0 && minReplicas >= world.Scenario.ReplicasPerGroup[group])
            {
                long windowMs = world.Scenario.MinReplicasMaxLagSeconds * 1000L + 3000;
                long bound = failovers * (windowMs / world.Scenario.WriteIntervalMs + 1);
                if (lost.Count > bound)
                {
                    throw new InvariantViolationException("lost-writes-bounded",
                        $"{lost.Count} acknowledged writes to {name} lost across {failovers} failovers; min-replicas-to-write bounds it to {bound} ({sample})");
                }
            }
        }
        return total;
    }
}
