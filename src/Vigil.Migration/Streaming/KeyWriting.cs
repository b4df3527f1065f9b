using Vigil.Migration.Preflight;
using Vigil.Replication.Rdb;

namespace Vigil.Migration.Streaming;

/// <summary>
/// How the snapshot's keys go into the target: RESTORE of the value's own bytes when the target has RESTORE and reads
/// the source's RDB version, else ordinary commands (<see cref="PlainCommands"/>). The source's version is predicted
/// from its Redis version for the plan and checked against the snapshot's header when it arrives.
/// </summary>
public sealed record KeyWriting(bool RestoreAvailable, int TargetReadsRdbUpTo, Version TargetVersion)
{
    public static KeyWriting For(NodeFacts target) =>
        new(target.AcceptsRestore, RdbFormat.ReadableBy(target.ParsedVersion), target.ParsedVersion);

    /// <summary>RESTORE for a snapshot of <paramref name="rdbVersion"/>.</summary>
    public bool Restores(int rdbVersion) => RestoreAvailable && rdbVersion <= TargetReadsRdbUpTo;

    /// <summary>For the plan: which way, and why, for a source of <paramref name="source"/>.</summary>
    public string Describe(NodeFacts source)
    {
        var sourceRdb = RdbFormat.ReadableBy(source.ParsedVersion);
        if (Restores(sourceRdb)) return "every key with RESTORE (absolute TTL kept)";
        var why = RestoreAvailable
            ? $"Redis {TargetVersion} reads RDB up to version {TargetReadsRdbUpTo}, the source writes {sourceRdb}"
            : "the target refuses RESTORE";
        return $"every key with plain commands (SET, RPUSH, SADD, ZADD, HSET, XADD..., PEXPIREAT; {why})";
    }
}
