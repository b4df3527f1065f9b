using System.Globalization;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.Events;
using Vigil.Sentinel.Monitoring;
using Vigil.Sentinel.Scripts;

namespace Vigil.Sentinel.Failover;

/// <summary>
/// Moves a master record to a new address (compatibility-rules §7.7): the end of our own failover (<c>update_config</c>) and the
/// adoption of a newer configuration announced by a peer both come here.
/// </summary>
internal sealed class MasterSwitch(CoreSettings settings, CoreClock clock, EffectQueue effects, Epochs epochs, Topology topology, EventEmitter events, ScriptQueue scripts)
{
    /// <summary>Our failover reached update_config: the record follows the promoted replica.</summary>
    public void SwitchToPromoted(MasterRecord master)
    {
        var target = master.PromotedReplica?.Address ?? master.Address;
        AnnounceSwitch(master, master.Address, target);
        ResetAndChangeAddress(master, target);
    }

    /// <summary><c>+switch-master &lt;name&gt; &lt;old-ip&gt; &lt;old-port&gt; &lt;new-ip&gt; &lt;new-port&gt;</c>.</summary>
    public void AnnounceSwitch(MasterRecord master, InstanceAddress from, InstanceAddress target)
    {
        bool hostnames = settings.AnnounceHostnames;
        events.Raw(LogLevel.Warning, "+switch-master", master, string.Join(' ',
            master.Name,
            from.Announced(hostnames), from.Port.ToString(CultureInfo.InvariantCulture),
            target.Announced(hostnames), target.Port.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// Forgets the master's replicas and run-time state (peers stay), moves it to <paramref name="target"/> and
    /// recreates the replicas: the old ones minus the new master, plus the old master. The old master is marked to
    /// be fenced: the configuration that just replaced it has a higher epoch, so if it comes back still claiming the
    /// master role it is sent under the new master at once. Without <paramref name="carryReplicas"/> (a master moved
    /// to a node outside the group, which the old nodes cannot replicate) nothing is carried over: the old nodes
    /// are forgotten, and the new master's INFO names its own replicas.
    /// </summary>
    public void ResetAndChangeAddress(MasterRecord master, InstanceAddress target, bool carryReplicas = true)
    {
        var oldAddress = master.Address;
        bool moved = !target.SameAs(oldAddress);
        if (moved) master.SwitchedAtMs.Add(clock.NowMs);
        var replicaAddresses = carryReplicas ? master.Replicas.Values.Select(r => r.Address).Where(a => !a.SameAs(target)).ToList() : [];
        if (moved && carryReplicas) replicaAddresses.Add(oldAddress);

        topology.ResetMaster(master, keepPeers: true, generateEvent: false);
        master.Address = target;
        master.SubjectivelyDownSinceMs = 0;
        master.ObjectivelyDownSinceMs = 0;
        // Whatever we knew came from the old address. Without this the reference treats the new master as "sane"
        // on the strength of the old one's INFO; here it must answer INFO itself first (asked at once).
        master.InfoRefreshedAtMs = 0;
        master.LastInfo.Clear();
        master.MasterReplOffset = null;
        master.Link.LastReconnectAtMs = CoreClock.LongAgoMs;

        foreach (var address in replicaAddresses)
        {
            if (topology.CreateReplica(master, address.Hostname, address.Port) is not { } replica) continue;
            events.About(LogLevel.Notice, "+slave", replica);
            if (moved && address == oldAddress)
            {
                replica.AwaitingFence = true;
                replica.FenceEpoch = epochs.Current;
            }
        }
        effects.RequestPersist();
    }

    /// <summary>
    /// The client-reconfig-script, if set: <c>&lt;master&gt; &lt;leader|observer&gt; start &lt;from-ip&gt;
    /// &lt;from-port&gt; &lt;to-ip&gt; &lt;to-port&gt;</c>.
    /// </summary>
    public void RunClientReconfigScript(MasterRecord master, bool leader, InstanceAddress from, InstanceAddress to)
    {
        if (master.Settings.ClientReconfigScript is not { } path) return;
        bool hostnames = settings.AnnounceHostnames;
        scripts.Schedule(path, master.Name, leader ? "leader" : "observer", "start",
            from.Announced(hostnames), from.Port.ToString(CultureInfo.InvariantCulture),
            to.Announced(hostnames), to.Port.ToString(CultureInfo.InvariantCulture));
    }
}
