using System.Globalization;
using Vigil.Integration.Infrastructure;
using Vigil.Resp;

namespace Vigil.Integration.Host;

/// <summary>
/// <c>resolve-hostnames yes</c> with a real name (<c>localhost</c>) and a name that does not resolve, Vigil beside
/// the reference redis-sentinel: a master configured by name is reached at the address the name resolves to, a
/// runtime MONITOR by name answers once the name is resolved (off Vigil's loop), and the replies and error texts
/// are the reference's. Script paths given to SENTINEL SET are checked the same way.
/// </summary>
public sealed class HostnameResolutionTests(HostnamePairFixture pair) : IClassFixture<HostnamePairFixture>
{
    [Fact]
    public async Task AMasterConfiguredByNameIsReachedAtTheAddressTheNameResolvesTo()
    {
        string theirs = await MasterIpOnceUpAsync(pair.Reference!, "mymaster");
        string mine = await MasterIpOnceUpAsync(pair.Vigil!, "mymaster");
        Assert.Equal(theirs, mine);
    }

    [Fact]
    public async Task MonitorByNameAnswersAsTheReference()
    {
        string port = pair.Redis!.Port.ToString(CultureInfo.InvariantCulture);
        foreach (var command in new[] { $"sentinel monitor byname localhost {port} 1", "sentinel monitor badname no-such-host.invalid 7 1" })
        {
            Assert.Equal(RespText.Render(await CallAsync(pair.Reference!, command)), RespText.Render(await CallAsync(pair.Vigil!, command)));
        }
        Assert.Equal(await MasterIpOnceUpAsync(pair.Reference!, "byname"), await MasterIpOnceUpAsync(pair.Vigil!, "byname"));
        Assert.IsType<RespError>(await CallAsync(pair.Vigil!, "sentinel master badname"));
    }

    [Fact]
    public async Task ScriptPathsOfSetAreCheckedAsTheReference()
    {
        string script = Path.Combine(pair.Dir.Path, "notify.sh");
        string plain = Path.Combine(pair.Dir.Path, "plain.txt");
        File.WriteAllText(script, "#!/bin/sh\nexit 0\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(plain, "not a script\n");
        foreach (var command in new[]
        {
            $"sentinel set mymaster notification-script {script}", $"sentinel set mymaster client-reconfig-script {plain}",
            $"sentinel set mymaster notification-script {plain}", "sentinel set mymaster notification-script /nonexistent",
        })
        {
            Assert.Equal(RespText.Render(await CallAsync(pair.Reference!, command)), RespText.Render(await CallAsync(pair.Vigil!, command)));
        }
        var master = Replies.Fields(await CallAsync(pair.Vigil!, "sentinel master mymaster"));
        Assert.Equal(script, Field(master, "notification-script"));
    }

    private static async Task<string> MasterIpOnceUpAsync(RunningNode sentinel, string name)
    {
        string ip = "";
        await Wait.UntilAsync(async () =>
        {
            var fields = Replies.Fields(await CallAsync(sentinel, $"sentinel master {name}"));
            ip = Field(fields, "ip");
            return Field(fields, "flags") == "master" && Field(fields, "role-reported") == "master";
        }, TimeSpan.FromSeconds(20), $"{name} up on the sentinel at port {sentinel.Port}");
        return ip;
    }

    private static string Field(IReadOnlyList<KeyValuePair<string, string>> fields, string name) =>
        fields.FirstOrDefault(f => f.Key == name).Value ?? "";

    private static async Task<RespValue> CallAsync(RunningNode node, string command)
    {
        await using var client = await node.ConnectAsync();
        return await client.CallAsync(command.Split(' '));
    }
}

/// <summary>A Redis master, and one Vigil and one reference sentinel watching it by the name <c>localhost</c>.</summary>
public sealed class HostnamePairFixture : IAsyncLifetime
{
    public TempDir Dir { get; } = new();
    public RunningNode? Redis { get; private set; }
    public RunningNode? Vigil { get; private set; }
    public RunningNode? Reference { get; private set; }

    public async Task InitializeAsync()
    {
        Redis = await RedisNodes.StartRedisAsync(Dir);
        string[] config =
        [
            "sentinel resolve-hostnames yes",
            "sentinel deny-scripts-reconfig no",
            $"sentinel monitor mymaster localhost {Redis.Port.ToString(CultureInfo.InvariantCulture)} 1",
        ];
        Reference = await RedisNodes.StartReferenceSentinelAsync(Dir, config);
        Vigil = await RedisNodes.StartVigilAsync(Dir, config);
    }

    public Task DisposeAsync()
    {
        Vigil?.Dispose();
        Reference?.Dispose();
        Redis?.Dispose();
        Dir.Dispose();
        return Task.CompletedTask;
    }
}
