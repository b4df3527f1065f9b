using System.Net.Security;

namespace Vigil.Sentinel.Config;

/// <summary>
/// The checks of the <c>tls-*</c> lines Vigil can honour only in part. TLS is spoken with .NET's own stack
/// (SslStream), which has no counterpart for some OpenSSL knobs; a line asking for one of those is refused
/// at its file and line rather than accepted and quietly ignored.
/// </summary>
public static class TlsDirectives
{
    /// <summary>The reference's defaults, the only values .NET's own session cache matches.</summary>
    public const int DefaultSessionCacheSize = 20 * 1024;
    public const int DefaultSessionCacheTimeoutSeconds = 300;

    public const string InvalidProtocols =
        "Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.";

    /// <summary><c>tls-protocols</c>: the reference's words; TLS 1.0 and 1.1 are refused (see docs/tls.md).</summary>
    public static string? CheckProtocols(string value)
    {
        var words = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var word in words)
        {
            if (word.Equals("TLSv1.2", StringComparison.OrdinalIgnoreCase) || word.Equals("TLSv1.3", StringComparison.OrdinalIgnoreCase)) continue;
            if (word.Equals("TLSv1", StringComparison.OrdinalIgnoreCase) || word.Equals("TLSv1.1", StringComparison.OrdinalIgnoreCase))
            {
                return $"tls-protocols {word} is not supported: Vigil's TLS stack (.NET SslStream) offers TLSv1.2 and TLSv1.3 only";
            }
            return InvalidProtocols;
        }
        return null;
    }

    /// <summary><c>tls-ciphers</c> and <c>tls-ciphersuites</c>: a ':'-separated list of IANA suite names.</summary>
    public static string? CheckCipherList(string directive, string value)
    {
        foreach (var name in value.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!TryParseSuite(name, out _))
            {
                return $"{directive} '{name}' is not supported: Vigil's TLS stack (.NET SslStream) takes a ':'-separated list of " +
                    "IANA cipher suite names (such as TLS_AES_256_GCM_SHA384 or TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256), not OpenSSL cipher-list expressions";
            }
        }
        return null;
    }

    /// <summary>The suites a list names, in its order.</summary>
    public static IReadOnlyList<TlsCipherSuite> ParseCipherList(string? value)
    {
        if (string.IsNullOrEmpty(value)) return [];
        var suites = new List<TlsCipherSuite>();
        foreach (var name in value.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (TryParseSuite(name, out var suite)) suites.Add(suite);
        }
        return suites;
    }

    public static string? CheckPreferServerCiphers(bool prefer) => prefer
        ? "tls-prefer-server-ciphers yes is not supported: Vigil's TLS stack (.NET SslStream) has no server cipher preference setting"
        : null;

    public static string? CheckDhParamsFile(string value) => value.Length > 0
        ? "tls-dh-params-file is not supported: Vigil's TLS stack (.NET SslStream) chooses its own key exchange groups and cannot load DH parameters"
        : null;

    public static string? CheckSessionCacheSize(long value) => value != DefaultSessionCacheSize
        ? $"tls-session-cache-size {value} is not supported: Vigil's TLS stack (.NET SslStream) keeps its own session cache; only the default {DefaultSessionCacheSize} is accepted (tls-session-caching no turns resumption off)"
        : null;

    public static string? CheckSessionCacheTimeout(long value) => value != DefaultSessionCacheTimeoutSeconds
        ? $"tls-session-cache-timeout {value} is not supported: Vigil's TLS stack (.NET SslStream) keeps its own session cache; only the default {DefaultSessionCacheTimeoutSeconds} is accepted (tls-session-caching no turns resumption off)"
        : null;

    // Only names: a number would parse as an enum value too.
    private static bool TryParseSuite(string name, out TlsCipherSuite suite)
    {
        suite = default;
        return name.StartsWith("TLS_", StringComparison.Ordinal) && Enum.TryParse(name, ignoreCase: false, out suite) && Enum.IsDefined(suite);
    }
}
