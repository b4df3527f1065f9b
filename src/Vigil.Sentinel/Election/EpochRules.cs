using System.Globalization;
using Vigil.Sentinel.Config;

namespace Vigil.Sentinel.Election;

/// <summary>
/// What an epoch announced by someone else must satisfy before it is adopted, and how ours is raised without
/// wrapping. Epochs only come from admitted peers (see <c>PeerAdmission</c>); even then a step larger than
/// <see cref="Limits.MaxEpochJump"/> is refused and logged.
/// </summary>
internal static class EpochRules
{
    /// <summary>
    /// Not negative, and at most <see cref="Limits.MaxEpochJump"/> above <paramref name="current"/>. Both are
    /// non-negative, so the difference cannot overflow.
    /// </summary>
    public static bool IsPlausible(long current, long proposed) =>
        proposed >= 0 && (proposed <= current || proposed - current <= Limits.MaxEpochJump);

    /// <summary>
    /// <see cref="IsPlausible"/>, logging a refusal (at warning: only a forged or corrupt number gets here).
    /// <paramref name="source"/> says where the epoch came from, for the log line.
    /// </summary>
    public static bool Accepts(EffectQueue effects, Epochs epochs, long proposed, string source)
    {
        if (IsPlausible(epochs.Current, proposed)) return true;
        effects.Log(LogLevel.Warning, string.Create(CultureInfo.InvariantCulture,
            $"Refusing epoch {proposed} from {source}: our current epoch is {epochs.Current}, and an epoch may rise by at most {Limits.MaxEpochJump} at once"));
        return false;
    }

    /// <summary>The next epoch for our own failover attempt, or false when the epoch cannot grow any more.</summary>
    public static bool TryNext(long current, out long next)
    {
        if (current >= long.MaxValue)
        {
            next = current;
            return false;
        }
        next = current + 1;
        return true;
    }
}
