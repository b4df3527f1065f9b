using Vigil.Sentinel.Config;
using static Vigil.Sentinel.Tests.Config.ConfigTestParsing;

namespace Vigil.Sentinel.Tests.Config;

/// <summary>
/// TLS lines Vigil cannot honour with .NET's TLS stack are refused at their line with the reason; the
/// ones it honours are read.
/// </summary>
public sealed class TlsDirectiveTests
{
    [Theory]
    [InlineData("tls-prefer-server-ciphers yes", "tls-prefer-server-ciphers yes is not supported")]
    [InlineData("tls-dh-params-file /etc/redis/dh.pem", "tls-dh-params-file is not supported")]
    [InlineData("tls-session-cache-size 100", "tls-session-cache-size 100 is not supported")]
    [InlineData("tls-session-cache-timeout 60", "tls-session-cache-timeout 60 is not supported")]
    [InlineData("tls-protocols TLSv1.1", "tls-protocols TLSv1.1 is not supported")]
    [InlineData("tls-protocols \"TLSv1 TLSv1.2\"", "tls-protocols TLSv1 is not supported")]
    [InlineData("tls-protocols SSLv3", TlsDirectives.InvalidProtocols)]
    [InlineData("tls-ciphers DEFAULT:!MEDIUM", "tls-ciphers 'DEFAULT' is not supported")]
    [InlineData("tls-ciphersuites TLS_AES_256_GCM_SHA384:ECDHE-RSA-AES128-GCM-SHA256", "tls-ciphersuites 'ECDHE-RSA-AES128-GCM-SHA256' is not supported")]
    [InlineData("tls-ciphersuites TLS_4865", "tls-ciphersuites 'TLS_4865' is not supported")]
    public void UnsupportedTlsLineIsRefusedAtItsLine(string badLine, string reasonStart)
    {
        ConfigError error = ParseError(Lines("port 48190", badLine, "tls-port 48191"));

        Assert.Equal(2, error.LineNumber);
        Assert.Equal(badLine, error.LineText);
        Assert.StartsWith(reasonStart, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tls-prefer-server-ciphers no")]
    [InlineData("tls-dh-params-file \"\"")]
    [InlineData("tls-session-cache-size 20480")]
    [InlineData("tls-session-cache-timeout 300")]
    [InlineData("tls-session-caching no")]
    [InlineData("tls-protocols \"TLSv1.2 TLSv1.3\"")]
    [InlineData("tls-ciphersuites TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256")]
    [InlineData("tls-ciphers TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")]
    public void SupportedTlsLineIsRead(string line)
    {
        Assert.True(Parse(Lines("port 48190", line)).IsSuccess);
    }

    [Fact]
    public void CipherListsAreReadInOrder()
    {
        var suites = TlsDirectives.ParseCipherList("TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256");

        Assert.Equal([System.Net.Security.TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256, System.Net.Security.TlsCipherSuite.TLS_AES_128_GCM_SHA256], suites);
    }
}
