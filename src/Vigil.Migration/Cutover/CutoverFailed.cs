namespace Vigil.Migration.Cutover;

/// <summary>The cutover was rolled back: the source is the writable master again. The message says why.</summary>
public sealed class CutoverFailed(string message, Exception? inner = null) : Exception(message, inner);
