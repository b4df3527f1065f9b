using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Vigil.Tls;

/// <summary>Reads the PEM files the <c>tls-*</c> directives name, as the reference's OpenSSL calls read them.</summary>
internal static class PemFiles
{
    /// <summary>
    /// A certificate chain file (leaf first, then intermediates) with its private key, encrypted
    /// (PKCS#8, with <paramref name="password"/>) or not.
    /// </summary>
    public static (X509Certificate2 Leaf, X509Certificate2Collection Intermediates) LoadIdentity(string certFile, string keyFile, string? password, string what)
    {
        X509Certificate2 leaf;
        try
        {
            leaf = password is null
                ? X509Certificate2.CreateFromPemFile(certFile, keyFile)
                : X509Certificate2.CreateFromEncryptedPemFile(certFile, password, keyFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new TlsConfigurationException($"Failed to load {what} certificate {certFile} with key {keyFile}: {ex.Message}", ex);
        }
        var chain = ReadCertificates(certFile, what + " certificate");
        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < chain.Count; i++) intermediates.Add(chain[i]);
        return (leaf, intermediates);
    }

    /// <summary>The trusted CAs: every certificate of <c>tls-ca-cert-file</c> and of each file in <c>tls-ca-cert-dir</c>.</summary>
    public static X509Certificate2Collection LoadAuthorities(string? caFile, string? caDirectory)
    {
        var authorities = new X509Certificate2Collection();
        if (caFile is not null) authorities.AddRange(ReadCertificates(caFile, "CA certificate file"));
        if (caDirectory is not null)
        {
            string[] files;
            try { files = Directory.GetFiles(caDirectory); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new TlsConfigurationException($"Failed to configure CA certificate(s) directory {caDirectory}: {ex.Message}", ex);
            }
            // An OpenSSL hashed directory holds certificates and CRLs (and rehash links to them): take what parses.
            foreach (var file in files)
            {
                try { authorities.ImportFromPemFile(file); }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException) { }
            }
        }
        if (authorities.Count == 0)
        {
            throw new TlsConfigurationException($"Failed to configure CA certificate(s) file/directory: no certificate found in {caFile ?? caDirectory}");
        }
        return authorities;
    }

    private static X509Certificate2Collection ReadCertificates(string file, string what)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new TlsConfigurationException($"Failed to load {what}: {file}: {ex.Message}", ex);
        }
        if (certificates.Count == 0) throw new TlsConfigurationException($"Failed to load {what}: {file}: no PEM certificate in it");
        return certificates;
    }
}
