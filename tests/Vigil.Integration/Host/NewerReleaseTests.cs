using Vigil.Integration.Infrastructure;
using Vigil.Resp;

namespace Vigil.Integration.Host;

/// <summary>What redis-sentinel 7.2/7.4 added, on a real Vigil process: <c>--compat</c>, multi-parameter CONFIG, loglevel.</summary>
public sealed class NewerReleaseTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static List<string> Names(RespValue reply) =>
        [.. Assert.IsType<RespArray>(reply).Items.Select(i => ((RespBulkString)i).Text)];

    [Fact]
    public async Task ByDefaultTheCommandTableIsThe70One()
    {
        using var vigil = await RedisNodes.StartVigilAsync(_dir, []);
        await using var client = await vigil.ConnectAsync();

        Assert.Equal(72, Names(await client.CallAsync("COMMAND", "LIST")).Count);
        Assert.Equal(RespValue.Integer(15), await client.CallAsync("COMMAND", "COUNT"));
        var setinfo = Assert.IsType<RespError>(await client.CallAsync("CLIENT", "SETINFO", "lib-name", "x"));
        Assert.StartsWith("ERR unknown subcommand 'SETINFO'", setinfo.Text, StringComparison.Ordinal);
        Assert.Contains("redis_version:7.0.15", ((RespBulkString)await client.CallAsync("INFO", "server")).Text, StringComparison.Ordinal);
        // 7.0's SENTINEL CONFIG has no loglevel; several parameters per call are accepted all the same.
        Assert.Equal(new RespError("ERR Invalid argument 'loglevel' to SENTINEL CONFIG SET"),
            await client.CallAsync("SENTINEL", "CONFIG", "SET", "loglevel", "debug"));
        Assert.Equal(RespValue.Ok, await client.CallAsync("SENTINEL", "CONFIG", "SET", "announce-port", "7", "resolve-hostnames", "no"));
    }

    [Fact]
    public async Task Compat74AddsClientSetInfo()
    {
        using var vigil = await RedisNodes.StartVigilAsync(_dir, [], options: ["--compat", "7.4"]);
        await using var client = await vigil.ConnectAsync();

        var names = Names(await client.CallAsync("COMMAND", "LIST"));
        Assert.Equal(73, names.Count);
        Assert.Contains("client|setinfo", names);
        var docs = Assert.IsType<RespArray>(await client.CallAsync("COMMAND", "DOCS", "client|setinfo"));
        Assert.Equal("client|setinfo", ((RespBulkString)docs.Items[0]).Text);
        Assert.NotEmpty(Assert.IsType<RespArray>(docs.Items[1]).Items);

        Assert.Equal(RespValue.Ok, await client.CallAsync("CLIENT", "SETINFO", "LIB-NAME", "vigil-test"));
        Assert.Equal(RespValue.Ok, await client.CallAsync("CLIENT", "SETINFO", "lib-ver", "1.2"));
        var info = ((RespBulkString)await client.CallAsync("CLIENT", "INFO")).Text;
        Assert.Contains(" lib-name=vigil-test lib-ver=1.2", info, StringComparison.Ordinal);
        Assert.Equal(new RespError("ERR lib-name cannot contain spaces, newlines or special characters."),
            await client.CallAsync("CLIENT", "SETINFO", "lib-name", "a b"));
        Assert.Equal(new RespError("ERR Unrecognized option 'color'"), await client.CallAsync("CLIENT", "SETINFO", "color", "red"));
        Assert.Contains("redis_version:7.4.1", ((RespBulkString)await client.CallAsync("INFO", "server")).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadCompatValueStopsStartUp()
    {
        var result = await Cli.RunAsync("dotnet", [RedisNodes.VigilDll, "--compat", "6.2", Path.Combine(_dir.Path, "none.conf")], TimeSpan.FromSeconds(30));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--compat takes 7.0 or 7.4.", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigSetLoglevelChangesWhatTheLogFileGetsAndIsRewrittenIntoTheConfig()
    {
        using var vigil = await RedisNodes.StartVigilAsync(_dir, ["logfile vigil.log", "sentinel monitor mymaster 127.0.0.1 6 2"],
            options: ["--config-rewrite", "--compat", "7.4"]);
        await using var client = await vigil.ConnectAsync();
        string log = Path.Combine(vigil.Directory, "vigil.log");

        Assert.Equal(RespValue.Ok, await client.CallAsync("SENTINEL", "CONFIG", "SET", "loglevel", "nothing", "announce-port", "7777"));
        Assert.Contains("\nloglevel nothing\n", await File.ReadAllTextAsync(vigil.ConfigPath!));
        long quietLength = new FileInfo(log).Length;
        Assert.Equal(RespValue.Ok, await client.CallAsync("SENTINEL", "SET", "mymaster", "quorum", "1"));
        Assert.Equal(quietLength, new FileInfo(log).Length);

        Assert.Equal(RespValue.Ok, await client.CallAsync("SENTINEL", "CONFIG", "SET", "LOGLEVEL", "Warning"));
        Assert.Equal(RespValue.Ok, await client.CallAsync("SENTINEL", "SET", "mymaster", "quorum", "2"));
        await Wait.UntilAsync(() => File.ReadAllText(log).Contains("+set master mymaster 127.0.0.1 6 quorum 2", StringComparison.Ordinal),
            TimeSpan.FromSeconds(5), "the +set line in the log");
        Assert.DoesNotContain("quorum 1", File.ReadAllText(log), StringComparison.Ordinal);
        var got = Assert.IsType<RespArray>(await client.CallAsync("SENTINEL", "CONFIG", "GET", "log*", "announce-port"));
        Assert.Equal(["loglevel", "warning", "announce-port", "7777"], got.Items.Select(i => ((RespBulkString)i).Text));
        Assert.Contains("\nloglevel warning\n", await File.ReadAllTextAsync(vigil.ConfigPath!));
    }
}
