namespace Vigil.Migration.Preflight;

/// <summary>
/// The sizing rules of preflight, as pure functions: each returns the refusal line, or null when the
/// setting is large enough. The estimates are deliberately rough and on the safe side.
/// </summary>
public static class PreflightRules
{
    /// <summary>
    /// Assumed speed of a full sync, RDB transfer and load together. Loopback and a local disk do several
    /// times better; a cross-datacenter link may do worse, which is why the rules ask for twice the estimate.
    /// </summary>
    public const long AssumedSyncBytesPerSecond = 100L * 1024 * 1024;

    /// <summary>How long a full sync of <paramref name="usedMemoryBytes"/> is expected to take (at least 1 s).</summary>
    public static double EstimatedSyncSeconds(long usedMemoryBytes) =>
        Math.Max(1.0, (double)usedMemoryBytes / AssumedSyncBytesPerSecond);

    public static string? MaxMemory(string target, long targetMaxMemoryBytes, long sourceUsedMemoryBytes) =>
        targetMaxMemoryBytes > 0 && targetMaxMemoryBytes < sourceUsedMemoryBytes
            ? $"target {target}: maxmemory {Units.Bytes(targetMaxMemoryBytes)} is smaller than the source's used_memory {Units.Bytes(sourceUsedMemoryBytes)}"
            : null;

    /// <summary>
    /// While a replica receives and loads the RDB, the writes of that time wait in its output buffer on the
    /// upstream; reaching the hard limit (or the soft limit for longer than its seconds) drops the replica and
    /// the sync starts over, for ever.
    /// </summary>
    public static string? OutputBuffer(string upstream, OutputBufferLimit? limit, double writeBytesPerSecond, double syncSeconds)
    {
        if (limit is null) return null;
        var bufferedBytes = (long)(writeBytesPerSecond * syncSeconds * 2);
        var fix = $"CONFIG SET client-output-buffer-limit \"replica {Math.Max(bufferedBytes * 2, 256L << 20)} {Math.Max(bufferedBytes, 64L << 20)} 60\"";
        if (limit.HardBytes > 0 && bufferedBytes > limit.HardBytes)
        {
            return $"{upstream}: replica output buffer hard limit {Units.Bytes(limit.HardBytes)} is below the {Units.Bytes(bufferedBytes)} of writes expected during the sync ({Units.Bytes((long)writeBytesPerSecond)}/s for ~{Units.Seconds(syncSeconds)}, doubled); {fix}";
        }
        if (limit.SoftBytes > 0 && bufferedBytes > limit.SoftBytes && syncSeconds * 2 > limit.SoftSeconds)
        {
            return $"{upstream}: replica output buffer soft limit {Units.Bytes(limit.SoftBytes)} for {limit.SoftSeconds} s is below the {Units.Bytes(bufferedBytes)} of writes expected during the ~{Units.Seconds(syncSeconds)} sync; {fix}";
        }
        return null;
    }

    /// <summary>A link with no traffic for repl-timeout is dropped; a large RDB being produced or loaded is such a silence.</summary>
    public static string? ReplTimeout(string node, int? replTimeoutSeconds, double syncSeconds) =>
        replTimeoutSeconds is { } seconds && seconds < syncSeconds * 2
            ? $"{node}: repl-timeout {seconds} s is shorter than twice the ~{Units.Seconds(syncSeconds)} a full sync is expected to take; CONFIG SET repl-timeout {(int)Math.Ceiling(syncSeconds * 2)}"
            : null;
}
