namespace Vigil.Sentinel.Election;

/// <summary>
/// The order of sentinels' run ids (hex, compared without case) that ranks them: it places each sentinel's probes of
/// a master on its own part of the slot, says how long a candidate lets lower run ids go first, and which candidate a
/// candidate whose own vote is not open yet may vote for. All three must agree, or two candidates could each wait
/// for, or vote for, the other.
/// </summary>
internal static class RunIdOrder
{
    public static bool SortsBefore(string runId, string other) =>
        string.Compare(runId, other, StringComparison.OrdinalIgnoreCase) < 0;
}
