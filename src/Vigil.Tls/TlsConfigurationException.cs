namespace Vigil.Tls;

/// <summary>The TLS settings cannot be put to use (a missing file, a bad key, a combination .NET cannot honour).</summary>
public sealed class TlsConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
