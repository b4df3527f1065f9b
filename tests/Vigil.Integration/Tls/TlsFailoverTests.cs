using System.Globalization;
using StackExchange.Redis;
using Vigil.Integration.Infrastructure;

namespace Vigil.Integration.Tls;

/// <summary>
/// A TLS-only Redis group (no plain port anywhere, replication over TLS, certificates made by the test)
/// watched by sentinels with <c>tls-replication yes</c>: three Vigils, then Vigil with two real
/// redis-sentinels. Each fails the master over; clients reach Vigil's TLS port with redis-cli and
/// StackExchange.Redis, and one without a certificate is turned away.
/// </summary>
public sealed class TlsFailoverTests : IAsyncLifetime
{
    private readonly SentinelGroup _group = new();
    private TestCertificates _certificates = null!;

    public async Task InitializeAsync()
    {
        _certificates = TestCertificates.Create(Path.Combine(_group.Dir.Path, "tls"));
        _group.Tls = _certificates;
        string[] redisArgs = ["--repl-diskless-sync-delay", "0"];
        await _group.StartMasterAsync(redisArgs);
        await _group.StartReplicaAsync(redisArgs);
        await _group.StartReplicaAsync(redisArgs);
    }

    public async Task DisposeAsync() => await _group.DisposeAsync();

    [Fact]
    public async Task ThreeVigilsFailOverATlsOnlyGroupAndServeClientsOverTls()
    {
        var tlsPorts = new[] { FreePort.Next(), FreePort.Next(), FreePort.Next() };
        for (var i = 0; i < 3; i++)
        {
            // The first one reads its key with tls-key-file-pass.
            await _group.StartVigilAsync(_group.SentinelConfig(2, 2000, 10000, _certificates.SentinelLines(tlsPorts[i], encryptedKey: i == 0)));
        }
        await Topology.WaitForDiscoveryAsync(_group.Sentinels, peers: 2, replicas: 2, TimeSpan.FromSeconds(30));

        // Peers know each other by the TLS port their hellos announce, and reach each other there.
        var peers = Replies.List(await Topology.CallAsync(_group.Sentinels[0], "SENTINEL", "SENTINELS", Topology.MasterName));
        Assert.Equal(new[] { tlsPorts[1], tlsPorts[2] }.Order(), peers.Select(p => int.Parse(Replies.Field(p, "port"), CultureInfo.InvariantCulture)).Order());
        Assert.All(peers, p => Assert.DoesNotContain("disconnected", Replies.Field(p, "flags"), StringComparison.Ordinal));

        var masterPort = _group.Master.Port.ToString(CultureInfo.InvariantCulture);
        var cli = await Cli.RedisCliAsync(tlsPorts[0], [.. _certificates.CliArgs(), "SENTINEL", "GET-MASTER-ADDR-BY-NAME", Topology.MasterName]);
        Assert.Equal($"127.0.0.1\n{masterPort}\n", cli.Stdout);

        // tls-auth-clients defaults to yes: no certificate, no service.
        var refused = await Cli.RedisCliAsync(tlsPorts[0], [.. _certificates.CliArgs(withClientCertificate: false), "PING"]);
        Assert.DoesNotContain("PONG", refused.Stdout, StringComparison.Ordinal);

        await WriteThroughSentinelsAsync(tlsPorts);

        var events = await _group.SubscribeAsync(_group.Sentinels[0], "vigil-1");
        var oldMaster = _group.Master;
        await oldMaster.KillAsync();
        await _group.WaitAsync(() => events.Has("+switch-master"), TimeSpan.FromSeconds(40), "+switch-master");
        var newPort = int.Parse(events.First("+switch-master")!.Split(' ')[^1], CultureInfo.InvariantCulture);
        Assert.Contains(_group.Replicas, r => r.Port == newPort);
        await _group.WaitForAgreementAsync(newPort, TimeSpan.FromSeconds(30));

        cli = await Cli.RedisCliAsync(tlsPorts[2], [.. _certificates.CliArgs(), "SENTINEL", "GET-MASTER-ADDR-BY-NAME", Topology.MasterName]);
        Assert.Equal($"127.0.0.1\n{newPort}\n", cli.Stdout);
        Assert.Equal("PONG\n", (await Cli.RedisCliAsync(tlsPorts[1], [.. _certificates.CliArgs(), "PING"])).Stdout);
    }

    [Fact]
    public async Task VigilAndReferenceSentinelsFailOverATlsOnlyGroupTogether()
    {
        await _group.StartVigilAsync(_group.SentinelConfig(2, 2000, 10000, _certificates.SentinelLines(FreePort.Next())));
        await _group.StartReferenceAsync(_group.SentinelConfig(2, 2000, 10000, _certificates.SentinelLines(FreePort.Next())));
        await _group.StartReferenceAsync(_group.SentinelConfig(2, 2000, 10000, _certificates.SentinelLines(FreePort.Next())));
        await Topology.WaitForDiscoveryAsync(_group.Sentinels, peers: 2, replicas: 2, TimeSpan.FromSeconds(30));
        var events = new List<SentinelEvents>();
        for (var i = 0; i < 3; i++) events.Add(await _group.SubscribeAsync(_group.Sentinels[i], i == 0 ? "vigil" : $"reference-{i}"));

        var oldMaster = _group.Master;
        await oldMaster.KillAsync();
        await _group.WaitAsync(() => events.All(e => e.Has("+switch-master")), TimeSpan.FromSeconds(40), "every sentinel switching the master");
        var newPort = int.Parse(events[0].First("+switch-master")!.Split(' ')[^1], CultureInfo.InvariantCulture);
        Assert.Contains(_group.Replicas, r => r.Port == newPort);
        await _group.WaitForAgreementAsync(newPort, TimeSpan.FromSeconds(30));
    }

    /// <summary>StackExchange.Redis finds the master through Vigil's TLS port and writes to it over TLS.</summary>
    private async Task WriteThroughSentinelsAsync(int[] sentinelTlsPorts)
    {
        var options = new ConfigurationOptions
        {
            ServiceName = Topology.MasterName,
            Ssl = true,
            SslHost = "localhost",
            AbortOnConnectFail = false,
            ConnectTimeout = 5000,
            SyncTimeout = 5000,
        };
        foreach (var port in sentinelTlsPorts) options.EndPoints.Add("127.0.0.1", port);
        options.CertificateValidation += (_, certificate, _, _) => _certificates.IsTrusted(certificate);
        options.CertificateSelection += (_, _, _, _, _) => _certificates.Client;
        using var log = new StringWriter(CultureInfo.InvariantCulture);
        await using var client = await ConnectionMultiplexer.ConnectAsync(options, log);
        var database = client.GetDatabase();
        await _group.WaitAsync(async () =>
        {
            try { return await database.StringSetAsync("tls:key", "through-vigil"); }
            catch (RedisException) { return false; }
        }, TimeSpan.FromSeconds(20), "a write through the sentinels over TLS; client log: " + log);
        Assert.Equal("through-vigil", (string?)await database.StringGetAsync("tls:key"));
        // It went to the master the sentinels named.
        Assert.Equal("\"through-vigil\"", RespText.Render(await Topology.CallAsync(_group.Master, "GET", "tls:key")));
    }
}
