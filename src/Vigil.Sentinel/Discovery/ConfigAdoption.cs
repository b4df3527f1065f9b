using Vigil.Sentinel.Config;
using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Discovery;

/// <summary>
/// Step 4 of hello processing (§4.3, §8.2): a known peer announces a master configuration with a higher
/// config-epoch than ours.
/// </summary>
internal sealed class ConfigAdoption(SentinelContext context)
{
    /// <summary>
    /// The reference adopts the epoch and, if the address differs, emits <c>+config-update-from</c> and
    /// <c>+switch-master</c>, resets the master to the new address and runs the client-reconfig script as observer.
    /// Here only the epoch of an unchanged address is adopted. Switching the master belongs to the failover work
    /// and must not be driven by unverified hellos (§13.2: one unauthenticated PUBLISH moved a whole group), so a
    /// different address is left alone and its epoch stays unadopted until that logic exists.
    /// </summary>
    public void OnNewerConfigEpoch(MasterRecord master, PeerRecord sender, string masterHost, int masterPort, long configEpoch)
    {
        if (masterPort == master.Address.Port && context.Resolver.AddressEqualsHostname(master.Address, masterHost))
        {
            master.ConfigEpoch = configEpoch;
            context.RequestPersist();
            return;
        }
        context.Log(LogLevel.Debug,
            $"Sentinel {sender.Name} announces {master.Name} at {masterHost}:{masterPort} with config-epoch {configEpoch}; not switching");
    }
}
