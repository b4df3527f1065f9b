namespace Vigil.Migration.Verification;

/// <summary>Whether a key is the same on both sides; the difference in words, or null.</summary>
public static class KeyComparison
{
    public static string? Difference(KeyState source, KeyState target, int ttlToleranceMs)
    {
        if (source.Type != target.Type)
        {
            // A key that expires between the two reads is not a difference.
            if (source.Type == "none" && target.TtlMs is >= 0 && target.TtlMs <= ttlToleranceMs) return null;
            if (target.Type == "none" && source.TtlMs is >= 0 && source.TtlMs <= ttlToleranceMs) return null;
            if (source.Type == "none") return "only on the target";
            if (target.Type == "none") return "missing on the target";
            return $"type {source.Type} on the source, {target.Type} on the target";
        }
        if (source.Type == "none") return null;
        if (!Equals(source.Value, target.Value)) return "value differs";
        var persistent = (source.TtlMs < 0, target.TtlMs < 0);
        if (persistent == (true, true)) return null;
        if (persistent.Item1 != persistent.Item2 || Math.Abs(source.TtlMs - target.TtlMs) > ttlToleranceMs)
        {
            return $"TTL {Ttl(source.TtlMs)} on the source, {Ttl(target.TtlMs)} on the target";
        }
        return null;
    }

    private static string Ttl(long ms) => ms < 0 ? "none" : $"{ms} ms";
}
