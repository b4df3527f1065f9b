using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Vigil.Integration.Infrastructure;

/// <summary>
/// A throw-away certificate authority and the certificates it signed, written as PEM files into a
/// directory, for TLS tests: <c>ca.crt</c>, <c>node.crt</c>/<c>node.key</c> (server and client use, for
/// 127.0.0.1 and localhost), <c>client.crt</c>/<c>client.key</c>, and <c>vigil.crt</c> with an encrypted
/// key <c>vigil.key</c> (password <see cref="VigilKeyPassword"/>).
/// </summary>
public sealed class TestCertificates
{
    public const string VigilKeyPassword = "vigil-key-pass";

    private TestCertificates(string directory) => Directory = directory;

    public string Directory { get; }
    public string CaFile => Path.Combine(Directory, "ca.crt");
    public string CertFile => Path.Combine(Directory, "node.crt");
    public string KeyFile => Path.Combine(Directory, "node.key");
    public string ClientCertFile => Path.Combine(Directory, "client.crt");
    public string ClientKeyFile => Path.Combine(Directory, "client.key");
    public string VigilCertFile => Path.Combine(Directory, "vigil.crt");
    public string VigilKeyFile => Path.Combine(Directory, "vigil.key");

    public X509Certificate2 Ca { get; private set; } = null!;
    public X509Certificate2 Client { get; private set; } = null!;

    public static TestCertificates Create(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        var certificates = new TestCertificates(directory);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Vigil Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        File.WriteAllText(certificates.CaFile, ca.ExportCertificatePem());
        certificates.Ca = X509CertificateLoader.LoadCertificate(ca.RawData);

        certificates.Issue(ca, "CN=node", certificates.CertFile, certificates.KeyFile, password: null);
        certificates.Client = certificates.Issue(ca, "CN=client", certificates.ClientCertFile, certificates.ClientKeyFile, password: null);
        certificates.Issue(ca, "CN=vigil", certificates.VigilCertFile, certificates.VigilKeyFile, VigilKeyPassword);
        return certificates;
    }

    /// <summary>The <c>redis-server</c> arguments of a TLS-only node on <paramref name="tlsPort"/>, its links to its master over TLS.</summary>
    public string[] RedisArgs(int tlsPort) =>
    [
        "--port", "0", "--tls-port", tlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--tls-cert-file", CertFile, "--tls-key-file", KeyFile, "--tls-ca-cert-file", CaFile, "--tls-replication", "yes",
    ];

    /// <summary>The sentinel.conf lines of a sentinel serving TLS on <paramref name="tlsPort"/> and linking over TLS.</summary>
    public string[] SentinelLines(int tlsPort, bool encryptedKey = false) => encryptedKey
        ? [$"tls-port {tlsPort}", "tls-replication yes", $"tls-cert-file {VigilCertFile}", $"tls-key-file {VigilKeyFile}",
            $"tls-key-file-pass {VigilKeyPassword}", $"tls-ca-cert-file {CaFile}"]
        : [$"tls-port {tlsPort}", "tls-replication yes", $"tls-cert-file {CertFile}", $"tls-key-file {KeyFile}", $"tls-ca-cert-file {CaFile}"];

    /// <summary>redis-cli's TLS options, with the client certificate unless told otherwise.</summary>
    public string[] CliArgs(bool withClientCertificate = true) =>
        withClientCertificate
            ? ["--tls", "--cacert", CaFile, "--cert", ClientCertFile, "--key", ClientKeyFile]
            : ["--tls", "--cacert", CaFile];

    /// <summary>Accepts a server certificate only when it chains to the test CA.</summary>
    public bool IsTrusted(X509Certificate? certificate)
    {
        if (certificate is null) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    public SslClientAuthenticationOptions ClientOptions() => new()
    {
        TargetHost = "localhost",
        ClientCertificates = [Client],
        RemoteCertificateValidationCallback = (_, certificate, _, _) => IsTrusted(certificate),
    };

    private X509Certificate2 Issue(X509Certificate2 ca, string subject, string certFile, string keyFile, string? password)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // server and client authentication
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(ca, now.AddDays(-1), now.AddDays(29), serial);
        File.WriteAllText(certFile, issued.ExportCertificatePem());
        var keyPem = password is null
            ? key.ExportPkcs8PrivateKeyPem()
            : key.ExportEncryptedPkcs8PrivateKeyPem(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000));
        File.WriteAllText(keyFile, keyPem);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return password is null ? X509Certificate2.CreateFromPemFile(certFile, keyFile) : X509CertificateLoader.LoadCertificate(issued.RawData);
    }
}
