namespace Vigil.Replication.Rdb;

/// <summary>A snapshot that cannot be read: corrupt, truncated, or holding what this reader does not handle (module values).</summary>
public sealed class RdbFormatException(string message) : Exception(message);
