namespace Vigil.Replication.Rdb;

/// <summary>
/// A key's value decoded into the elements the ordinary commands take (for a target that refuses RESTORE or
/// cannot read the source's RDB version). Numbers stay text, as the commands take them.
/// </summary>
public abstract record RdbValue;

public sealed record RdbStringValue(byte[] Value) : RdbValue;

public sealed record RdbListValue(List<byte[]> Items) : RdbValue;

public sealed record RdbSetValue(List<byte[]> Members) : RdbValue;

/// <summary>Members with their scores as text (<c>inf</c>, <c>-inf</c> included), as ZADD takes them.</summary>
public sealed record RdbSortedSetValue(List<(byte[] Member, byte[] Score)> Members) : RdbValue;

public sealed record RdbHashValue(List<(byte[] Field, byte[] Value)> Fields) : RdbValue;

/// <summary>
/// A stream: its live entries in order, its last generated ID, and (from RDB 10 on, else null) the count of entries
/// ever added and the largest deleted ID; its consumer groups.
/// </summary>
public sealed record RdbStreamValue(List<StreamEntry> Entries, StreamId LastId, ulong? EntriesAdded, StreamId? MaxDeletedId,
    List<StreamGroup> Groups) : RdbValue;

/// <summary>A stream entry ID: milliseconds and sequence number.</summary>
public readonly record struct StreamId(ulong Ms, ulong Seq)
{
    public static readonly StreamId Zero = new(0, 0);

    public override string ToString() => $"{Ms}-{Seq}";
}

public sealed record StreamEntry(StreamId Id, List<byte[]> FieldsAndValues);

/// <summary>
/// A consumer group: the last ID delivered, the entries read (null when unknown: before RDB 10, or not computable),
/// the pending entries by ID, and its consumers, each with the IDs it owns.
/// </summary>
public sealed record StreamGroup(byte[] Name, StreamId LastDelivered, long? EntriesRead, Dictionary<StreamId, StreamPending> Pending,
    List<StreamConsumer> Consumers);

/// <summary>A pending entry: when it was last delivered (Unix ms) and how many times.</summary>
public sealed record StreamPending(long DeliveredAtMs, ulong DeliveryCount);

public sealed record StreamConsumer(byte[] Name, List<StreamId> Pending);
