using System.Globalization;
using Vigil.Integration.Infrastructure;

namespace Vigil.Integration.Host;

/// <summary>
/// Process settings redis-sentinel acts on, side by side with it: the listen queue of <c>tcp-backlog</c> and the
/// OOM score of <c>oom-score-adj</c>, read from the kernel.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ServerDirectiveTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task TcpBacklogAndOomScoreReachTheKernelAsWithTheReference()
    {
        // Raising the score needs no privilege; 37 is under any somaxconn.
        string[] lines = ["tcp-backlog 37", "oom-score-adj absolute", "oom-score-adj-values 123 456 789"];
        var vigilStart = RedisNodes.StartVigilAsync(_dir, lines);
        var referenceStart = RedisNodes.StartReferenceSentinelAsync(_dir, lines);
        using var vigil = await vigilStart;
        using var reference = await referenceStart;

        foreach (var node in new[] { reference, vigil })
        {
            Assert.Equal("123", (await File.ReadAllTextAsync($"/proc/{node.Process.Pid}/oom_score_adj")).Trim());
            Assert.Equal(37, await ListenQueueAsync(node.Port));
        }
    }

    /// <summary>For a listening socket, ss reports the backlog as Send-Q.</summary>
    private static async Task<int> ListenQueueAsync(int port)
    {
        var ss = await Cli.RunAsync("ss", ["-ltnH", $"sport = :{port}"], TimeSpan.FromSeconds(10));
        var fields = ss.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return int.Parse(fields[2], CultureInfo.InvariantCulture);
    }
}
