namespace Vigil.Sentinel.Fencing;

/// <summary>
/// A condition that must hold without a break for some time before it counts (the fence's lift rules): it remembers
/// since when it has held, and forgets as soon as it does not.
/// </summary>
internal sealed class HeldCondition
{
    /// <summary>Since when the condition has held without a break (0 = it does not hold now).</summary>
    public long SinceMs { get; private set; }

    /// <summary>Records whether the condition holds at <paramref name="nowMs"/>; true once it has held for <paramref name="durationMs"/>.</summary>
    public bool HeldFor(bool holds, long nowMs, long durationMs)
    {
        if (!holds)
        {
            SinceMs = 0;
            return false;
        }
        if (SinceMs == 0) SinceMs = nowMs;
        return nowMs - SinceMs >= durationMs;
    }
}
