namespace Vigil.Sentinel.Monitoring;

/// <summary>
/// Where periodic commands fall due: on the multiples of a record's ping period on the core's clock, shifted by the
/// record's phase, so that every record with the same period and phase is sent to in the same tick and the replies
/// come back together (docs/architecture.md, "Periodic traffic on a common beat").
/// </summary>
internal static class Cadence
{
    /// <summary>The first slot (a multiple of <paramref name="slotMs"/> plus <paramref name="phaseMs"/>) at or after <paramref name="earliestMs"/>.</summary>
    public static long SlotAtOrAfter(long earliestMs, long slotMs, long phaseMs) => SlotAtOrAfter(earliestMs - phaseMs, slotMs) + phaseMs;

    /// <summary>The first multiple of <paramref name="slotMs"/> at or after <paramref name="earliestMs"/>.</summary>
    public static long SlotAtOrAfter(long earliestMs, long slotMs)
    {
        long remainder = earliestMs % slotMs;
        if (remainder == 0) return earliestMs;
        return remainder > 0 ? earliestMs - remainder + slotMs : earliestMs - remainder;
    }

    /// <summary>
    /// The slot for a command repeated every <paramref name="periodMs"/>, last sent at <paramref name="lastMs"/>. A
    /// command sent a little after its slot (ticks run up to a few ms late) must fall due at the slot one period on,
    /// not the one after, so the spacing asked is half a slot short of the period; a period shorter than a slot waits
    /// for the next slot.
    /// </summary>
    public static long Next(long lastMs, long periodMs, long slotMs, long phaseMs) =>
        SlotAtOrAfter(lastMs + Math.Max(periodMs - slotMs / 2, slotMs / 2 + 1), slotMs, phaseMs);
}
