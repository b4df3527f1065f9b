using Vigil.Integration.Infrastructure;
using Vigil.Resp;
using Xunit.Abstractions;
using static Vigil.Integration.Migration.MigrateCli;

namespace Vigil.Integration.Migration;

/// <summary>
/// Preflight refuses bad input with one clear line and exit code 1, and the source is left exactly as it
/// was: still a master, same keys, no replica, writable.
/// </summary>
public sealed class MigrationRefusalTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Password = "s3cret-pass";
    private readonly MigrationNodes _nodes = new();
    private RunningNode _source = null!;
    private long _sourceKeys;

    public async Task InitializeAsync()
    {
        _source = await _nodes.StartAsync();
        await MigrationDataset.FillAsync(_source.Port, 3000);
        _sourceKeys = await KeysAsync(_source);
    }

    public Task DisposeAsync()
    {
        _nodes.Dispose();
        return Task.CompletedTask;
    }

    private async Task<string> RefusedAsync(params string[] args)
    {
        var result = await RunAsync([.. args, "--yes", "--state-file", Path.Combine(_nodes.Dir.Path, "state.json")]);
        output.WriteLine(result.Stdout + result.Stderr);
        Assert.Equal(1, result.ExitCode);
        var lines = ErrorLines(result);
        Assert.Single(lines);
        Assert.StartsWith("vigil migrate: ", lines[0], StringComparison.Ordinal);
        return lines[0];
    }

    private async Task AssertSourceUntouchedAsync()
    {
        Assert.Equal("master", await RoleAsync(_source));
        Assert.Equal(_sourceKeys, await KeysAsync(_source));
        Assert.Equal("0", (await Topology.InfoAsync(_source, "replication"))["connected_slaves"]);
        Assert.Equal(RespValue.Ok, await Topology.CallAsync(_source, "SET", "probe", "writable"));
        Assert.Equal(1, ((RespInteger)await Topology.CallAsync(_source, "DEL", "probe")).Value);
    }

    [Fact]
    public async Task UnreachableSource()
    {
        var target = await _nodes.StartAsync();
        var line = await RefusedAsync("--source", Address(FreePort.Next()), "--target", Address(target));
        Assert.Contains("source 127.0.0.1:", line, StringComparison.Ordinal);
        Assert.Contains("unreachable", line, StringComparison.Ordinal);
        Assert.Equal("master", await RoleAsync(target));
    }

    [Fact]
    public async Task WrongPassword()
    {
        // Started open (the harness PINGs without a password), then closed.
        var source = await _nodes.StartAsync();
        var target = await _nodes.StartAsync();
        foreach (var node in new[] { source, target }) Assert.Equal(RespValue.Ok, await Topology.CallAsync(node, "CONFIG", "SET", "requirepass", Password));
        var line = await RefusedAsync("--source", Address(source), "--target", Address(target), "--pass", "wrong");
        Assert.Contains($"source {Address(source)}: authentication failed: WRONGPASS", line, StringComparison.Ordinal);
        var noPassword = await RefusedAsync("--source", Address(source), "--target", Address(target));
        Assert.Contains("authentication required", noPassword, StringComparison.Ordinal);

        // With the right password the replication links authenticate too (masterauth on the targets, then the source).
        var passFile = Path.Combine(_nodes.Dir.Path, "pass");
        await File.WriteAllTextAsync(passFile, Password + "\n");
        var migrated = await RunAsync("--source", Address(source), "--target", Address(target), "--pass-file", passFile, "--yes",
            "--state-file", Path.Combine(_nodes.Dir.Path, "state.json"));
        output.WriteLine(migrated.Stdout + migrated.Stderr);
        Assert.True(migrated.ExitCode == 0, migrated.Stdout + migrated.Stderr);
        await using var link = await Vigil.Migration.Links.RedisLink.ConnectAsync(
            new Vigil.Migration.Links.RedisEndpoint("127.0.0.1", source.Port), new Vigil.Migration.Links.RedisCredentials(null, Password), CancellationToken.None);
        await Wait.UntilAsync(async () => Vigil.Migration.Links.InfoFields.Parse(Vigil.Migration.Links.Replies.Text(await link.CallAsync("INFO", "replication")))["master_link_status"] == "up",
            TimeSpan.FromSeconds(20), "the old source linked to the new master with the password");
    }

    [Fact]
    public async Task NonEmptyTarget()
    {
        var target = await _nodes.StartAsync();
        await MigrationDataset.FillAsync(target.Port, 7);
        var line = await RefusedAsync("--source", Address(_source), "--target", Address(target));
        Assert.Contains($"target {Address(target)} is not empty: it holds 7 keys", line, StringComparison.Ordinal);
        Assert.Contains("--flush-target", line, StringComparison.Ordinal);
        await AssertSourceUntouchedAsync();
        Assert.Equal(7, await KeysAsync(target));
    }

    [Fact]
    public async Task TargetTooSmall()
    {
        var target = await _nodes.StartAsync("--maxmemory", "100kb");
        var line = await RefusedAsync("--source", Address(_source), "--target", Address(target));
        Assert.Contains($"target {Address(target)}: maxmemory 100.0 KB is smaller than the source's used_memory", line, StringComparison.Ordinal);
        await AssertSourceUntouchedAsync();
    }

    [Fact]
    public async Task TargetThatRefusesReplicaOfPointsAtTheStreamMode()
    {
        var good = await _nodes.StartAsync();
        var target = await _nodes.StartAsync("--rename-command", "REPLICAOF", "", "--rename-command", "SLAVEOF", "");
        var line = await RefusedAsync("--source", Address(_source), "--target", Address(good), "--target", Address(target));
        Assert.Contains($"target {Address(target)} refuses REPLICAOF", line, StringComparison.Ordinal);
        Assert.Contains("--mode stream", line, StringComparison.Ordinal);
        await AssertSourceUntouchedAsync();
        Assert.Equal("master", await RoleAsync(good));
    }

    [Fact]
    public async Task PlanChangesNothing()
    {
        var target = await _nodes.StartAsync();
        var result = await RunAsync("--source", Address(_source), "--target", Address(target), "--plan");
        output.WriteLine(result.Stdout + result.Stderr);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"{Address(target)} REPLICAOF {Address(_source)}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("master", await RoleAsync(target));
        Assert.Equal(0, await KeysAsync(target));
        await AssertSourceUntouchedAsync();
    }
}
