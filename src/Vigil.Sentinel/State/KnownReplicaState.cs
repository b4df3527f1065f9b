namespace Vigil.Sentinel.State;

/// <summary>A replica discovered for a master (from its INFO), as host and port.</summary>
public sealed record KnownReplicaState(string Host, int Port);
