using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Vigil.Sentinel.Config;

namespace Vigil.Tls;

/// <summary>
/// The TLS side of the <c>tls-*</c> directives, loaded once: the server identity and how clients are
/// checked (<c>tls-port</c>), and how this sentinel connects to Redis and to peers (<c>tls-replication</c>).
/// Built the way the reference builds its OpenSSL contexts (docs/tls.md); every file is read here, so a
/// bad one is reported before the sentinel starts.
/// </summary>
public sealed class TlsContext
{
    private readonly SslStreamCertificateContext _serverIdentity;
    private readonly SslStreamCertificateContext _clientIdentity;
    private readonly X509ChainPolicy? _trust;
    private readonly ClientAuthentication _clientAuthentication;
    private readonly SslProtocols _protocols;
    private readonly CipherSuitesPolicy? _cipherSuites;
    private readonly bool _allowResume;

    private TlsContext(
        SslStreamCertificateContext serverIdentity,
        SslStreamCertificateContext clientIdentity,
        X509ChainPolicy? trust,
        ClientAuthentication clientAuthentication,
        SslProtocols protocols,
        CipherSuitesPolicy? cipherSuites,
        bool allowResume)
    {
        _serverIdentity = serverIdentity;
        _clientIdentity = clientIdentity;
        _trust = trust;
        _clientAuthentication = clientAuthentication;
        _protocols = protocols;
        _cipherSuites = cipherSuites;
        _allowResume = allowResume;
    }

    /// <summary>The subject of the certificate shown to clients (for the start-up log).</summary>
    public string ServerSubject => _serverIdentity.TargetCertificate.Subject;

    /// <summary>Null when the directives ask for no TLS at all (no <c>tls-port</c>, no <c>tls-replication</c>).</summary>
    /// <exception cref="TlsConfigurationException">A file cannot be read or the settings cannot be honoured.</exception>
    public static TlsContext? Load(TlsOptions options)
    {
        if (!options.Enabled) return null;
        if (options.CertFile is null) throw new TlsConfigurationException("No tls-cert-file configured!");
        if (options.KeyFile is null) throw new TlsConfigurationException("No tls-key-file configured!");
        var clientAuthentication = ParseClientAuthentication(options.AuthClients);
        if ((clientAuthentication != ClientAuthentication.No || options.TlsReplication) && options.CaCertFile is null && options.CaCertDir is null)
        {
            throw new TlsConfigurationException(
                "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-replication or tls-auth-clients are enabled!");
        }
        var protocols = ParseProtocols(options.Protocols);
        var cipherSuites = BuildCipherSuites(options, protocols);

        var (leaf, intermediates) = PemFiles.LoadIdentity(options.CertFile, options.KeyFile, options.KeyFilePass, "server");
        var serverIdentity = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
        var clientIdentity = serverIdentity;
        // As in the reference: a separate client identity only when both of its files are given.
        if (options.ClientCertFile is not null && options.ClientKeyFile is not null)
        {
            var (clientLeaf, clientIntermediates) = PemFiles.LoadIdentity(options.ClientCertFile, options.ClientKeyFile, options.ClientKeyFilePass, "client");
            clientIdentity = SslStreamCertificateContext.Create(clientLeaf, clientIntermediates, offline: true);
        }

        X509ChainPolicy? trust = null;
        if (options.CaCertFile is not null || options.CaCertDir is not null)
        {
            trust = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            trust.CustomTrustStore.AddRange(PemFiles.LoadAuthorities(options.CaCertFile, options.CaCertDir));
        }
        return new TlsContext(serverIdentity, clientIdentity, trust, clientAuthentication, protocols, cipherSuites, options.SessionCaching);
    }

    /// <summary>For one accepted connection on the TLS port.</summary>
    public SslServerAuthenticationOptions ServerOptions() => new()
    {
        ServerCertificateContext = _serverIdentity,
        ClientCertificateRequired = _clientAuthentication != ClientAuthentication.No,
        EnabledSslProtocols = _protocols,
        CipherSuitesPolicy = _cipherSuites,
        AllowTlsResume = _allowResume,
        AllowRenegotiation = false,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        CertificateChainPolicy = _trust?.Clone(),
        RemoteCertificateValidationCallback = CheckClientCertificate,
    };

    /// <summary>For one link to a Redis instance or a peer sentinel.</summary>
    public SslClientAuthenticationOptions ClientOptions(string host) => new()
    {
        // Server name indication for a name; an address is not sent (and names are not checked, see below).
        TargetHost = IPAddress.TryParse(host, out _) ? "" : host,
        ClientCertificateContext = _clientIdentity,
        EnabledSslProtocols = _protocols,
        CipherSuitesPolicy = _cipherSuites,
        AllowTlsResume = _allowResume,
        AllowRenegotiation = false,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        CertificateChainPolicy = _trust?.Clone(),
        RemoteCertificateValidationCallback = CheckServerCertificate,
    };

    // The reference verifies the chain against its CAs but not the name: instances are reached by the
    // address they announce, which is rarely a name on their certificate.
    private static bool CheckServerCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None;

    private bool CheckClientCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_clientAuthentication == ClientAuthentication.No) return true;
        if (certificate is null) return _clientAuthentication == ClientAuthentication.Optional;
        return (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None;
    }

    private static ClientAuthentication ParseClientAuthentication(string? value) => value switch
    {
        "no" => ClientAuthentication.No,
        "optional" => ClientAuthentication.Optional,
        _ => ClientAuthentication.Yes,
    };

    private static SslProtocols ParseProtocols(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return SslProtocols.Tls12 | SslProtocols.Tls13;
        var protocols = SslProtocols.None;
        foreach (var word in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            protocols |= word.ToUpperInvariant() switch
            {
                "TLSV1.2" => SslProtocols.Tls12,
                "TLSV1.3" => SslProtocols.Tls13,
                _ => throw new TlsConfigurationException(TlsDirectives.InvalidProtocols),
            };
        }
        return protocols;
    }

    /// <summary>
    /// .NET takes one suite list for every protocol version, where OpenSSL takes one per version
    /// (<c>tls-ciphers</c> up to TLS 1.2, <c>tls-ciphersuites</c> for TLS 1.3). Restricting one version while
    /// the other is enabled and unrestricted would switch that version off, so that is refused.
    /// </summary>
    private static CipherSuitesPolicy? BuildCipherSuites(TlsOptions options, SslProtocols protocols)
    {
        var upTo12 = TlsDirectives.ParseCipherList(options.Ciphers);
        var for13 = TlsDirectives.ParseCipherList(options.CipherSuites);
        if (upTo12.Count == 0 && for13.Count == 0) return null;
        if (upTo12.Count == 0 && protocols.HasFlag(SslProtocols.Tls12))
        {
            throw new TlsConfigurationException(
                "tls-ciphersuites is set but tls-ciphers is not: .NET's TLS stack takes one list for all versions, so list the TLSv1.2 suites in tls-ciphers too, or set tls-protocols TLSv1.3");
        }
        if (for13.Count == 0 && protocols.HasFlag(SslProtocols.Tls13))
        {
            throw new TlsConfigurationException(
                "tls-ciphers is set but tls-ciphersuites is not: .NET's TLS stack takes one list for all versions, so list the TLSv1.3 suites in tls-ciphersuites too, or set tls-protocols TLSv1.2");
        }
        if (OperatingSystem.IsWindows())
        {
            throw new TlsConfigurationException("tls-ciphers/tls-ciphersuites are not supported by .NET's TLS stack on this platform");
        }
        return new CipherSuitesPolicy([.. upTo12, .. for13]);
    }

    private enum ClientAuthentication
    {
        No,
        Yes,
        Optional,
    }
}
