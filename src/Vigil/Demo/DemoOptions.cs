using System.Globalization;

namespace Vigil.Demo;

/// <summary>The options of <c>vigil demo</c>, parsed from its arguments.</summary>
internal sealed record DemoOptions
{
    public const string Usage = """
        Usage: vigil demo [--fault sleep|kill|switchover] [--down-after MS] [--sleep SECONDS] [--keep-dir] [--keep-open]

        Starts, on loopback ports in a temp dir, a master and two replicas (redis-server), three Vigil
        sentinels (quorum 2) and a client that finds the master through the sentinels and writes
        continuously. Injects a fault, shows every sentinel's events as they happen, and ends with the
        time to each failover step, the client's write unavailability, the acknowledged writes lost and
        whether the old master rejoined as a replica. Exit code 0 when the group converged. Each
        sentinel serves its dashboard and metrics on a loopback port (printed at the start).

               --fault F          sleep: DEBUG SLEEP on the master (default); kill: kill -9 the master
                                  (restarted after the failover); switchover: SENTINEL FAILOVER
               --down-after MS    down-after-milliseconds of the sentinels (default 5000)
               --sleep SECONDS    how long the master sleeps with --fault sleep (default 30)
               --keep-dir         keep the temp dir with every config and log file
               --keep-open        after the summary, keep every process running (and the dashboards
                                  up) until Ctrl-C
        """;

    public FaultKind Fault { get; init; } = FaultKind.Sleep;
    public int DownAfterMs { get; init; } = 5000;
    public int SleepSeconds { get; init; } = 30;
    public bool KeepDir { get; init; }
    public bool KeepOpen { get; init; }

    /// <summary>Benchmark: run this sentinel program (e.g. redis-sentinel) instead of Vigil.</summary>
    public string? SentinelBinary { get; init; }

    /// <summary>Benchmark: the timeline goes to stderr and stdout gets one JSON object of figures.</summary>
    public bool Json { get; init; }

    /// <summary>Benchmark: stop once the failover ended and the client writes to the new master.</summary>
    public bool StopAfterFailover { get; init; }

    /// <summary>Parses the arguments after <c>demo</c>; on failure returns null and the reason.</summary>
    public static DemoOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        var options = new DemoOptions();
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string? value = null;
            if (name is "--fault" or "--down-after" or "--sleep" or "--sentinel-binary")
            {
                if (i + 1 >= args.Count)
                {
                    error = $"{name} needs a value";
                    return null;
                }
                value = args[++i];
            }
            switch (name)
            {
                case "--fault":
                    FaultKind? fault = value switch
                    {
                        "sleep" => FaultKind.Sleep,
                        "kill" => FaultKind.Kill,
                        "switchover" => FaultKind.Switchover,
                        _ => null,
                    };
                    if (fault is null)
                    {
                        error = $"unknown fault '{value}' (sleep, kill or switchover)";
                        return null;
                    }
                    options = options with { Fault = fault.Value };
                    break;
                case "--down-after":
                    if (!TryPositive(value!, out var downAfterMs))
                    {
                        error = $"--down-after needs a positive number of milliseconds, not '{value}'";
                        return null;
                    }
                    options = options with { DownAfterMs = downAfterMs };
                    break;
                case "--sleep":
                    if (!TryPositive(value!, out var sleepSeconds))
                    {
                        error = $"--sleep needs a positive number of seconds, not '{value}'";
                        return null;
                    }
                    options = options with { SleepSeconds = sleepSeconds };
                    break;
                case "--keep-dir":
                    options = options with { KeepDir = true };
                    break;
                case "--keep-open":
                    options = options with { KeepOpen = true };
                    break;
                case "--sentinel-binary":
                    options = options with { SentinelBinary = value };
                    break;
                case "--json":
                    options = options with { Json = true };
                    break;
                case "--stop-after-failover":
                    options = options with { StopAfterFailover = true };
                    break;
                default:
                    error = $"unknown option '{name}'";
                    return null;
            }
        }
        return options;
    }

    private static bool TryPositive(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;
}
