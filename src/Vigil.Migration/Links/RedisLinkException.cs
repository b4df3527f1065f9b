namespace Vigil.Migration.Links;

/// <summary>A link could not be opened, authenticated or used; the message is fit for the operator.</summary>
public sealed class RedisLinkException(string message, Exception? inner = null) : Exception(message, inner);
