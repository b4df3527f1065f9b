using System.Globalization;
using Vigil.Integration.Infrastructure;
using Vigil.Resp;

namespace Vigil.Integration.Monitoring;

/// <summary>Run-time changes live in the state file, survive restarts, and never touch sentinel.conf.</summary>
public sealed class StatePersistenceTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task MonitorSetAndRemoveSurviveRestartAndLeaveTheConfigFileUntouched()
    {
        using var first = await RedisNodes.StartRedisAsync(_dir);
        using var second = await RedisNodes.StartRedisAsync(_dir);
        var vigil = await RedisNodes.StartVigilAsync(_dir,
        [
            $"sentinel monitor kept 127.0.0.1 {first.Port} 2",
            $"sentinel monitor dropped 127.0.0.1 {first.Port} 2",
        ]);
        var configBefore = await File.ReadAllBytesAsync(vigil.ConfigPath!);
        string myId;
        await using (var client = await vigil.ConnectAsync())
        {
            myId = ((RespBulkString)await client.CallAsync("SENTINEL", "MYID")).Text;
            Assert.Equal(RespValue.Ok, await client.CallAsync("SENTINEL", "MONITOR", "added", "127.0.0.1", second.Port.ToString(CultureInfo.InvariantCulture), "1"));
            Assert.Equal(RespValue.Ok, await client.CallAsync("SENTINEL", "SET", "kept", "quorum", "3", "down-after-milliseconds", "7000"));
            Assert.Equal(RespValue.Ok, await client.CallAsync("SENTINEL", "REMOVE", "dropped"));
        }
        vigil.Process.Signal("TERM");
        Assert.Equal(0, await vigil.Process.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        vigil.Dispose();

        using var restarted = await RedisNodes.StartVigilAsync(_dir, [], port: vigil.Port, configPath: vigil.ConfigPath);
        await using (var client = await restarted.ConnectAsync())
        {
            Assert.Equal(myId, ((RespBulkString)await client.CallAsync("SENTINEL", "MYID")).Text);
            var masters = Replies.List(await client.CallAsync("SENTINEL", "MASTERS"));
            Assert.Equal(["added", "kept"], masters.Select(m => Replies.Field(m, "name")).Order(StringComparer.Ordinal));
            var kept = masters.Single(m => Replies.Field(m, "name") == "kept");
            Assert.Equal("3", Replies.Field(kept, "quorum"));
            Assert.Equal("7000", Replies.Field(kept, "down-after-milliseconds"));
            var added = masters.Single(m => Replies.Field(m, "name") == "added");
            Assert.Equal(second.Port.ToString(CultureInfo.InvariantCulture), Replies.Field(added, "port"));
        }
        Assert.Equal(configBefore, await File.ReadAllBytesAsync(vigil.ConfigPath!));
        Assert.True(File.Exists(vigil.ConfigPath + ".state.json"));
    }

    /// <summary>
    /// <c>vigil-state-file</c> (what the package uses to keep /etc/vigil read-only): a relative path is taken from
    /// <c>dir</c>, nothing is written beside the config, and a restart reads the state back from there.
    /// </summary>
    [Fact]
    public async Task VigilStateFileMovesTheStateIntoDirAndARestartReadsItThere()
    {
        using var redis = await RedisNodes.StartRedisAsync(_dir);
        var stateDir = Directory.CreateDirectory(_dir.File("var-lib-vigil")).FullName;
        var vigil = await RedisNodes.StartVigilAsync(_dir,
            [$"dir {stateDir}", "vigil-state-file sentinel.state.json", $"sentinel monitor m 127.0.0.1 {redis.Port} 2"]);
        var statePath = Path.Combine(stateDir, "sentinel.state.json");
        string myId;
        await using (var client = await vigil.ConnectAsync())
        {
            myId = ((RespBulkString)await client.CallAsync("SENTINEL", "MYID")).Text;
            Assert.Equal(RespValue.Ok, await client.CallAsync("SENTINEL", "SET", "m", "quorum", "1"));
        }
        await Wait.UntilAsync(() => File.Exists(statePath) && File.ReadAllText(statePath).Contains(myId, StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), $"the state saved in {statePath}");
        Assert.False(File.Exists(vigil.ConfigPath + ".state.json"), "a state file beside the config");
        vigil.Process.Signal("TERM");
        Assert.Equal(0, await vigil.Process.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        vigil.Dispose();

        using var restarted = await RedisNodes.StartVigilAsync(_dir, [], port: vigil.Port, configPath: vigil.ConfigPath);
        await using var again = await restarted.ConnectAsync();
        Assert.Equal(myId, ((RespBulkString)await again.CallAsync("SENTINEL", "MYID")).Text);
        Assert.Equal("1", Replies.Field(Replies.Fields(await again.CallAsync("SENTINEL", "MASTER", "m")), "quorum"));
    }

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task TheStateFileHoldingPasswordsIsReadableByItsOwnerOnly()
    {
        using var redis = await RedisNodes.StartRedisAsync(_dir);
        using var vigil = await RedisNodes.StartVigilAsync(_dir, [$"sentinel monitor m 127.0.0.1 {redis.Port} 2"]);
        string statePath = vigil.ConfigPath + ".state.json";
        await using (var client = await vigil.ConnectAsync())
        {
            Assert.Equal(RespValue.Ok, await client.CallAsync("SENTINEL", "SET", "m", "auth-pass", "s3cret-pass"));
        }
        await Wait.UntilAsync(() => File.Exists(statePath) && File.ReadAllText(statePath).Contains("s3cret-pass", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "the state file holds the new auth-pass");

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(statePath));
        Assert.Empty(Directory.GetFiles(vigil.Directory, "*.tmp"));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task ARewrittenConfigFileHoldingPasswordsIsReadableByItsOwnerOnly()
    {
        using var redis = await RedisNodes.StartRedisAsync(_dir);
        using var vigil = await RedisNodes.StartVigilAsync(_dir, [$"sentinel monitor m 127.0.0.1 {redis.Port} 2"], options: ["--config-rewrite"]);
        string configPath = vigil.ConfigPath!;
        File.SetUnixFileMode(configPath, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await using (var client = await vigil.ConnectAsync())
        {
            Assert.Equal(RespValue.Ok, await client.CallAsync("SENTINEL", "SET", "m", "auth-pass", "s3cret-pass"));
        }
        await Wait.UntilAsync(() => File.ReadAllText(configPath).Contains("s3cret-pass", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "the config file holds the new auth-pass");

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(configPath));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void ATempFileLeftByACrashDoesNotLendItsModeToTheNextWrite()
    {
        // In a container the pid is often the same at every start, so the temp name a crash left is the one used next.
        string target = Path.Combine(_dir.Path, "state.json");
        string leftover = Path.Combine(_dir.Path, $".state.json.{Environment.ProcessId}.tmp");
        File.WriteAllText(leftover, "half a state");
        File.SetUnixFileMode(leftover, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);

        Vigil.Server.State.AtomicFile.Write(target, "{\"sentinel-pass\":\"s3cret\"}"u8);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(target));
        Assert.Equal("{\"sentinel-pass\":\"s3cret\"}", File.ReadAllText(target));
        Assert.False(File.Exists(leftover));
    }

    [Fact]
    public async Task KillNineDuringStateWritesAlwaysLeavesAReadableStateFile()
    {
        using var redis = await RedisNodes.StartRedisAsync(_dir);
        var vigil = await RedisNodes.StartVigilAsync(_dir, [$"sentinel monitor m 127.0.0.1 {redis.Port} 2"]);
        var random = new Random(42);
        for (var round = 0; round < 4; round++)
        {
            await using (var client = await vigil.ConnectAsync())
            {
                // Every SET persists the state; kill -9 lands somewhere among these writes.
                var writes = random.Next(5, 60);
                for (var i = 0; i < writes; i++)
                {
                    var pending = client.CallAsync("SENTINEL", "SET", "m", "down-after-milliseconds", (1000 + i).ToString(CultureInfo.InvariantCulture));
                    if (i == writes - 1) vigil.Process.Signal("KILL");
                    else await pending;
                }
            }
            await vigil.Process.WaitForExitAsync(TimeSpan.FromSeconds(20));
            vigil.Dispose();
            vigil = await RedisNodes.StartVigilAsync(_dir, [], port: vigil.Port, configPath: vigil.ConfigPath);
            await using var check = await vigil.ConnectAsync();
            var master = Replies.Fields(await check.CallAsync("SENTINEL", "MASTER", "m"));
            Assert.StartsWith("10", Replies.Field(master, "down-after-milliseconds"));
        }
        vigil.Dispose();
    }
}
