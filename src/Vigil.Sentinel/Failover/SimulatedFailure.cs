namespace Vigil.Sentinel.Failover;

/// <summary>SENTINEL SIMULATE-FAILURE flags (also <c>sentinel_simulate_failure_flags</c> in INFO).</summary>
internal static class SimulatedFailure
{
    public const int CrashAfterElection = 1;
    public const int CrashAfterPromotion = 2;
}
