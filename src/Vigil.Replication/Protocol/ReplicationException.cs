namespace Vigil.Replication.Protocol;

/// <summary>The source refused to serve us as a replica, or broke the protocol; not a dropped connection.</summary>
public sealed class ReplicationException(string message) : Exception(message);
