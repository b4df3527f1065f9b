namespace Vigil.Sentinel.Observation;

/// <summary>
/// What a sentinel knows at one instant, as plain immutable data for a host to show (a dashboard, metrics). Ages are
/// in milliseconds before <see cref="TakenAtMs"/>; a round-trip time of -1 means none was measured yet.
/// </summary>
public sealed record SentinelObservation(
    string MyId,
    long CurrentEpoch,
    bool Tilt,
    int RunningScripts,
    int QueuedScripts,
    long TakenAtMs,
    IReadOnlyList<MasterObservation> Masters)
{
    public static SentinelObservation Empty { get; } = new("", 0, false, 0, 0, 0, []);
}

/// <summary>One monitored master; <see cref="Status"/> is <c>ok</c>, <c>sdown</c> or <c>odown</c>, as INFO prints it.</summary>
public sealed record MasterObservation(
    string Name,
    string Host,
    int Port,
    string Status,
    string Flags,
    int Quorum,
    long ConfigEpoch,
    string? FailoverState,
    ulong? ReplOffset,
    long LastOkPingAgeMs,
    long RoundTripMs,
    IReadOnlyList<ReplicaObservation> Replicas,
    IReadOnlyList<PeerObservation> Sentinels);

/// <summary>
/// One known replica. <see cref="LagBytes"/> is how far its replication offset is behind the master's, null until
/// both were reported.
/// </summary>
public sealed record ReplicaObservation(
    string Name,
    string Host,
    int Port,
    string Flags,
    bool Down,
    ulong ReplOffset,
    long? LagBytes,
    bool MasterLinkUp,
    long MasterLinkDownMs,
    int Priority,
    long LastOkPingAgeMs,
    long RoundTripMs);

/// <summary>
/// One other sentinel watching the master. Every sentinel the core keeps a record of has been learned from a hello
/// on a monitored instance; <see cref="Admitted"/> says the peer takes part in votes and quorum counts.
/// </summary>
public sealed record PeerObservation(
    string RunId,
    string Host,
    int Port,
    string Flags,
    bool Down,
    bool Admitted,
    long LastHelloAgeMs,
    long LastOkPingAgeMs,
    long RoundTripMs,
    string? VotedLeader,
    long VotedLeaderEpoch);
