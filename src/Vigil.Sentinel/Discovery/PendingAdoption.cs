using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Discovery;

/// <summary>
/// A peer announced (by hello) that a master moved to <see cref="Address"/> under <see cref="ConfigEpoch"/>. Until
/// the claim is confirmed over our own links it is only a claim.
/// </summary>
internal sealed class PendingAdoption(InstanceAddress address, long configEpoch, string senderRunId, long startedAtMs)
{
    public InstanceAddress Address { get; } = address;
    public long ConfigEpoch { get; } = configEpoch;

    /// <summary>The peers whose hellos made this claim; at least one must confirm it itself.</summary>
    public HashSet<string> Claimants { get; } = new(StringComparer.Ordinal) { senderRunId };
    public long StartedAtMs { get; } = startedAtMs;

    /// <summary>Peers asked with SENTINEL GET-MASTER-ADDR-BY-NAME, and those whose answer matched the claim.</summary>
    public HashSet<string> Asked { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Confirmed { get; } = new(StringComparer.Ordinal);

    public bool IsOpen(long nowMs) => nowMs - StartedAtMs <= Limits.AdoptionCheckMs;
}
