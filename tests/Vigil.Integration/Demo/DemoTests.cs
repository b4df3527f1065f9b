using System.Diagnostics;
using System.Text.Json;
using Vigil.Integration.Infrastructure;

namespace Vigil.Integration.Demo;

/// <summary>
/// <c>vigil demo</c> end to end: it starts its own redis-server and Vigil processes, injects the fault,
/// and its exit code and figures say whether the group converged. The figures are read from the JSON
/// line the benchmark uses; the human summary goes to stderr in that mode and is checked too.
/// </summary>
public sealed class DemoTests
{
    // About 15 s each on an idle machine. The demo's own deadlines (60 s to get ready, e.g. while a
    // sentinel that started slowly sits out TILT, then 60 s after the fault) end it, cleaned up and
    // with a reason, before this kills it.
    private static readonly TimeSpan DemoTimeout = TimeSpan.FromSeconds(150);

    [Fact]
    public async Task SleepingMasterIsReplacedWithoutLosingAcknowledgedWritesAndRejoins()
    {
        var (result, figures) = await RunDemoAsync("--fault", "sleep", "--sleep", "5", "--down-after", "1000");

        Assert.True(result.ExitCode == 0, $"exit code {result.ExitCode}: {result.Stdout}{result.Stderr}");
        Assert.True(figures.GetProperty("converged").GetBoolean());
        Assert.True(figures.GetProperty("oldMasterRejoined").GetBoolean());
        Assert.Equal(0, figures.GetProperty("ackedLost").GetInt64());
        var odownMs = figures.GetProperty("odownMs").GetDouble();
        var switchMs = figures.GetProperty("switchMasterFirstMs").GetDouble();
        Assert.InRange(odownMs, 1000, switchMs);
        Assert.True(figures.GetProperty("switchMasterLastMs").GetDouble() >= switchMs);
        Assert.True(figures.GetProperty("failoverEndMs").ValueKind == JsonValueKind.Number);
        Assert.True(figures.GetProperty("writesAcked").GetInt64() > 0);
        Assert.InRange(figures.GetProperty("unavailableMs").GetDouble(), 1, 30_000);
        Assert.Contains("+odown master mymaster", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("old master rejoined as replica  yes", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SwitchoverLosesNoAcknowledgedWriteAndTheOldMasterFollows()
    {
        var (result, figures) = await RunDemoAsync("--fault", "switchover", "--down-after", "1000");

        Assert.True(result.ExitCode == 0, $"exit code {result.ExitCode}: {result.Stdout}{result.Stderr}");
        Assert.True(figures.GetProperty("converged").GetBoolean());
        Assert.True(figures.GetProperty("oldMasterRejoined").GetBoolean());
        Assert.Equal(0, figures.GetProperty("ackedLost").GetInt64());
        Assert.True(figures.GetProperty("writesAcked").GetInt64() > 0);
        Assert.Equal(JsonValueKind.Null, figures.GetProperty("odownMs").ValueKind);
        Assert.Contains("+switch-master mymaster", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutRedisServerOnThePathItSaysHowToInstallIt()
    {
        using var emptyDir = new TempDir();
        var (program, args) = RedisNodes.VigilCommand(["demo"]);
        var info = new ProcessStartInfo(program == "dotnet" ? FindOnPath("dotnet")! : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args) info.ArgumentList.Add(arg);
        info.Environment["PATH"] = emptyDir.Path;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(cts.Token);

        Assert.Equal(1, process.ExitCode);
        Assert.Equal("", await stdout);
        var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.Contains("redis-server", line, StringComparison.Ordinal);
        Assert.Contains("sudo apt-get install -y redis-server", line, StringComparison.Ordinal);
    }

    private static async Task<(Cli.Result Result, JsonElement Figures)> RunDemoAsync(params string[] args)
    {
        var result = await Cli.VigilAsync(["demo", .. args, "--json"], DemoTimeout);
        var json = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()
            ?? throw new InvalidOperationException($"no figures on stdout (exit {result.ExitCode}): {result.Stderr}");
        using var document = JsonDocument.Parse(json);
        return (result, document.RootElement.Clone());
    }

    private static string FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{name} is not on the PATH");
}
