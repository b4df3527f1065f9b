namespace Vigil.Server.Links;

/// <summary>The instance sent bytes that are not RESP; the link is dropped and the core reconnects.</summary>
public sealed class LinkProtocolException(string message) : Exception(message);
