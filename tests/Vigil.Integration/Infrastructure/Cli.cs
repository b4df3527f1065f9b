using System.Diagnostics;

namespace Vigil.Integration.Infrastructure;

/// <summary>Runs a command-line tool (redis-cli, redis-benchmark, vigil) to completion and captures its output.</summary>
public static class Cli
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(string fileName, IEnumerable<string> args, TimeSpan timeout, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish in {timeout}");
        }
        return new Result(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    public static Task<Result> RedisCliAsync(int port, params string[] args) =>
        RunAsync("redis-cli", ["-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. args], TimeSpan.FromSeconds(30));

    public static Task<Result> VigilAsync(IEnumerable<string> args, TimeSpan timeout)
    {
        var (program, fullArgs) = RedisNodes.VigilCommand(args);
        return RunAsync(program, fullArgs, timeout);
    }
}
