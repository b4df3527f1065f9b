namespace Vigil.Replication.Protocol;

/// <summary>The source's answer to PSYNC: a full snapshot follows, or the stream continues where asked.</summary>
public abstract record PsyncReply;

/// <summary><c>+FULLRESYNC replid offset</c>: a snapshot taken at <paramref name="Offset"/> follows.</summary>
public sealed record FullResync(string ReplId, long Offset) : PsyncReply;

/// <summary><c>+CONTINUE [replid]</c>: the stream resumes at the offset asked; the ID may have changed (after a failover).</summary>
public sealed record PartialResync(string? NewReplId) : PsyncReply;
