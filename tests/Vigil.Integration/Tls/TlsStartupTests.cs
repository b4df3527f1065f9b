using Vigil.Integration.Infrastructure;

namespace Vigil.Integration.Tls;

/// <summary>
/// TLS settings that cannot work stop Vigil (and <c>vigil check-config</c>) before it serves anything;
/// authorities are read from a CA directory; <c>tls-auth-clients optional</c> lets a client without a
/// certificate in.
/// </summary>
public sealed class TlsStartupTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly TestCertificates _certificates;

    public TlsStartupTests() => _certificates = TestCertificates.Create(_dir.File("tls"));

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("tls-cert-file {dir}/missing.crt", "Failed to load server certificate")]
    [InlineData("tls-key-file-pass wrong-password", "Failed to load server certificate")]
    [InlineData("tls-ca-cert-file \"\"", "Either tls-ca-cert-file or tls-ca-cert-dir must be specified")]
    [InlineData("tls-ciphersuites TLS_AES_256_GCM_SHA384", "tls-ciphersuites is set but tls-ciphers is not")]
    public async Task BrokenTlsSettingsStopCheckConfigAndStart(string line, string reason)
    {
        var config = _dir.File("sentinel.conf");
        await File.WriteAllLinesAsync(config, ["port 0", .. _certificates.SentinelLines(FreePort.Next(), encryptedKey: true), line.Replace("{dir}", _dir.Path, StringComparison.Ordinal)]);

        var check = await Cli.VigilAsync(["check-config", config], TimeSpan.FromSeconds(30));
        Assert.Equal(1, check.ExitCode);
        Assert.Contains(reason, check.Stderr, StringComparison.Ordinal);

        var run = await Cli.VigilAsync([config], TimeSpan.FromSeconds(30));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(reason, run.Stderr + run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsupportedTlsLineIsRefusedWithItsFileAndLine()
    {
        var config = _dir.File("sentinel.conf");
        await File.WriteAllLinesAsync(config, ["port 0", "tls-prefer-server-ciphers yes"]);

        var check = await Cli.VigilAsync(["check-config", config], TimeSpan.FromSeconds(30));

        Assert.Equal(1, check.ExitCode);
        Assert.Contains($"{config}, at line 2", check.Stderr, StringComparison.Ordinal);
        Assert.Contains("tls-prefer-server-ciphers yes is not supported", check.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthoritiesAreReadFromACaDirectory()
    {
        var authorities = Directory.CreateDirectory(_dir.File("authorities")).FullName;
        File.Copy(_certificates.CaFile, Path.Combine(authorities, "test-ca.pem"));
        await File.WriteAllTextAsync(Path.Combine(authorities, "README"), "not a certificate\n");
        var tlsPort = FreePort.Next();
        string[] lines = [$"tls-port {tlsPort}", $"tls-cert-file {_certificates.CertFile}", $"tls-key-file {_certificates.KeyFile}", $"tls-ca-cert-dir {authorities}"];
        using var sentinel = await RedisNodes.StartVigilAsync(_dir, lines);

        // tls-auth-clients yes: the client's certificate is checked against the directory's authority.
        Assert.Equal("PONG\n", (await Cli.RedisCliAsync(tlsPort, [.. _certificates.CliArgs(), "PING"])).Stdout);
        Assert.DoesNotContain("PONG", (await Cli.RedisCliAsync(tlsPort, [.. _certificates.CliArgs(withClientCertificate: false), "PING"])).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstanceWithACertificateFromAnUntrustedAuthorityIsNeverReached()
    {
        var stranger = TestCertificates.Create(_dir.File("stranger-tls"));
        // Both Redis instances take any client, so only Vigil's check of their certificates can fail.
        using var trusted = await RedisNodes.StartRedisOnPortAsync(_dir, FreePort.Next(), ["--tls-auth-clients", "no"], _certificates);
        using var untrusted = await RedisNodes.StartRedisOnPortAsync(_dir, FreePort.Next(), ["--tls-auth-clients", "no"], stranger);
        using var sentinel = await RedisNodes.StartVigilAsync(_dir,
        [
            $"sentinel monitor trusted 127.0.0.1 {trusted.Port} 1",
            // Long for the trusted one: a loaded machine must not make it look down.
            "sentinel down-after-milliseconds trusted 20000",
            $"sentinel monitor untrusted 127.0.0.1 {untrusted.Port} 1",
            "sentinel down-after-milliseconds untrusted 1000",
            .. _certificates.SentinelLines(FreePort.Next()),
        ]);
        // States, not events: an event could fire before a subscription made after start-up.
        await Wait.UntilAsync(async () => (await FlagsAsync(sentinel, "untrusted")).Contains("s_down", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), "the untrusted instance subjectively down");
        await Wait.UntilAsync(async () => await FlagsAsync(sentinel, "trusted") == "master",
            TimeSpan.FromSeconds(20), "the trusted instance monitored over TLS");
        Assert.Contains("disconnected", await FlagsAsync(sentinel, "untrusted"), StringComparison.Ordinal);
    }

    private static async Task<string> FlagsAsync(RunningNode sentinel, string master) =>
        Replies.Field(Replies.Fields(await Topology.CallAsync(sentinel, "SENTINEL", "MASTER", master)), "flags");

    [Fact]
    public async Task OptionalClientAuthenticationAdmitsAClientWithoutCertificate()
    {
        var tlsPort = FreePort.Next();
        var sentinel = await RedisNodes.StartVigilAsync(_dir, [.. _certificates.SentinelLines(tlsPort), "tls-auth-clients optional"]);
        try
        {
            Assert.Equal("PONG\n", (await Cli.RedisCliAsync(tlsPort, [.. _certificates.CliArgs(withClientCertificate: false), "PING"])).Stdout);
            Assert.Equal("PONG\n", (await Cli.RedisCliAsync(tlsPort, [.. _certificates.CliArgs(), "PING"])).Stdout);
            // The plain port still answers in plain text.
            Assert.Equal("PONG\n", (await Cli.RedisCliAsync(sentinel.Port, "PING")).Stdout);
        }
        finally
        {
            sentinel.Dispose();
        }
    }
}
