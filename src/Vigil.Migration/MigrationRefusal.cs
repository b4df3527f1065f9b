namespace Vigil.Migration;

/// <summary>Migrate cannot go on; <see cref="Exception.Message"/> is the one line the operator sees.</summary>
public sealed class MigrationRefusal(string message, Exception? inner = null) : Exception(message, inner);
