using System.Globalization;
using Vigil.Migration.Links;

namespace Vigil.Migration;

/// <summary>What to do with the old nodes once the first target is the master.</summary>
public enum OldNodes { Replica, Shutdown }

/// <summary>
/// How the data moves: the targets replicate the source (REPLICAOF), or migrate itself follows the source as a
/// replica and replays what it receives into the target with ordinary commands (for targets that refuse REPLICAOF).
/// </summary>
public enum MigrationMode { ReplicaOf, Stream }

/// <summary>The options of <c>vigil migrate</c>, parsed from its arguments.</summary>
public sealed record MigrateOptions
{
    public const string Usage = """
        Usage: vigil migrate --source HOST:PORT --target HOST:PORT [--target HOST:PORT ...]
                             [--sentinel HOST:PORT ... [--master-name NAME]] [--old-nodes replica|shutdown]
                             [--user U] [--pass P | --pass-file F] [--flush-target] [--mode replicaof|stream]
                             [--stream-seconds N] [--snapshot-connections N] [--plan] [--yes]
                             [--json FILE] [--state-file F]
               vigil migrate verify --source HOST:PORT --target HOST:PORT [--sample N] [--ttl-tolerance MS]
                             [--user U] [--pass P | --pass-file F] [--json FILE]
               vigil migrate abort [--state-file F] [--user U] [--pass P | --pass-file F]

        Moves a live Redis master to new servers: the first target replicates the source, further targets
        replicate the first, and once every target is in sync the first target becomes the master with no
        acknowledged write lost. Without sentinels the cutover pauses writes on the source (CLIENT PAUSE
        WRITE), waits for the target's offset, promotes it and makes the source its replica. With --sentinel
        the group watching the source switches over to the first target (SENTINEL FAILOVER of Vigil
        sentinels), so sentinel-aware clients follow by themselves. Ctrl-C (or vigil migrate abort) before
        the cutover leaves the source as it was and detaches the targets.

               --source HOST:PORT     the master to move (it must be a master)
               --target HOST:PORT     a new server, empty; the first one becomes the master (repeatable)
               --sentinel HOST:PORT   a Vigil sentinel of the group watching the source (repeatable)
               --master-name NAME     the group's name for the source (found from the sentinels if omitted)
               --old-nodes MODE       replica (default): the source and its replicas replicate the new master;
                                      shutdown: they are shut down and, with sentinels, forgotten (SENTINEL RESET)
               --user U, --pass P     ACL user and password for every server (and for replication links)
               --pass-file F          read the password from the first line of F
               --flush-target         allow targets that hold keys (replication replaces them)
               --mode MODE            replicaof: the targets replicate the source (the default when every
                                      target accepts REPLICAOF); stream: migrate replicates the source itself
                                      and writes into one target with ordinary commands (RESTORE, then the
                                      command stream), for targets that refuse REPLICAOF such as managed
                                      services; chosen by itself when the target refuses REPLICAOF. In stream
                                      mode --old-nodes replica keeps the source running but fenced (writes
                                      refused with NOREPLICAS)
               --stream-seconds N     stream mode: once in sync, keep streaming N seconds before the cutover,
                                      showing the lag (its highest and mean go into the JSON report)
               --snapshot-connections N  stream mode: write the snapshot's keys through N connections to the
                                      target (default 4, at most 16; 1: the stream's own connection only)
               --plan                 run the preflight checks, print the plan, change nothing
               --yes                  do not ask for confirmation
               --json FILE            write a report: phases with timestamps, bytes, lag, write pause
               --state-file F         where a running migration records itself for vigil migrate abort
        """;

    public RedisEndpoint? Source { get; init; }
    public IReadOnlyList<RedisEndpoint> Targets { get; init; } = [];
    public IReadOnlyList<RedisEndpoint> Sentinels { get; init; } = [];
    public string? MasterName { get; init; }
    public OldNodes OldNodes { get; init; } = OldNodes.Replica;
    /// <summary>Null: replicaof when every target accepts REPLICAOF, else stream (preflight decides and says why).</summary>
    public MigrationMode? Mode { get; init; }
    public RedisCredentials? Credentials { get; init; }
    public bool FlushTarget { get; init; }
    public bool PlanOnly { get; init; }
    public bool Yes { get; init; }
    public string? JsonPath { get; init; }
    public string StateFile { get; init; } = DefaultStateFile;

    /// <summary>Stream mode: seconds to stay in sync, watching the lag, before the cutover (0: cut over at once).</summary>
    public int StreamSeconds { get; init; }

    /// <summary>Stream mode: connections to the target the snapshot's keys are spread over.</summary>
    public int SnapshotConnections { get; init; } = Streaming.SnapshotLanes.DefaultConnections;

    public static string DefaultStateFile => Path.Combine(Path.GetTempPath(), "vigil-migrate.state.json");

    /// <summary>Parses the arguments after <c>migrate</c>; on failure returns null and a one-line reason.</summary>
    public static MigrateOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        var options = new MigrateOptions();
        var targets = new List<RedisEndpoint>();
        var sentinels = new List<RedisEndpoint>();
        var common = new CommonOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (common.TryTake(args, ref i, out error))
            {
                if (error is not null) return null;
                continue;
            }
            string? value = null;
            if (name is "--source" or "--target" or "--sentinel" or "--master-name" or "--old-nodes" or "--json" or "--state-file" or "--mode" or "--stream-seconds" or "--snapshot-connections")
            {
                if (i + 1 >= args.Count) { error = $"{name} needs a value"; return null; }
                value = args[++i];
            }
            switch (name)
            {
                case "--source":
                    if (!TryEndpoint(name, value!, out var source, out error)) return null;
                    options = options with { Source = source };
                    break;
                case "--target":
                    if (!TryEndpoint(name, value!, out var target, out error)) return null;
                    targets.Add(target);
                    break;
                case "--sentinel":
                    if (!TryEndpoint(name, value!, out var sentinel, out error)) return null;
                    sentinels.Add(sentinel);
                    break;
                case "--master-name":
                    options = options with { MasterName = value };
                    break;
                case "--old-nodes":
                    OldNodes? oldNodes = value switch { "replica" => OldNodes.Replica, "shutdown" => OldNodes.Shutdown, _ => null };
                    if (oldNodes is null) { error = $"--old-nodes is replica or shutdown, not '{value}'"; return null; }
                    options = options with { OldNodes = oldNodes.Value };
                    break;
                case "--mode":
                    MigrationMode? mode = value switch { "replicaof" => MigrationMode.ReplicaOf, "stream" => MigrationMode.Stream, _ => null };
                    if (mode is null) { error = $"--mode is replicaof or stream, not '{value}'"; return null; }
                    options = options with { Mode = mode };
                    break;
                case "--stream-seconds":
                    if (!TryPositive(value!, out var seconds)) { error = $"--stream-seconds needs a positive number of seconds, not '{value}'"; return null; }
                    options = options with { StreamSeconds = seconds };
                    break;
                case "--snapshot-connections":
                    if (!TryPositive(value!, out var connections) || connections > Streaming.SnapshotLanes.MaxConnections)
                    {
                        error = $"--snapshot-connections needs a number from 1 to {Streaming.SnapshotLanes.MaxConnections}, not '{value}'";
                        return null;
                    }
                    options = options with { SnapshotConnections = connections };
                    break;
                case "--json": options = options with { JsonPath = value }; break;
                case "--state-file": options = options with { StateFile = value! }; break;
                case "--flush-target": options = options with { FlushTarget = true }; break;
                case "--plan": options = options with { PlanOnly = true }; break;
                case "--yes" or "-y": options = options with { Yes = true }; break;
                case "--tls":
                    error = "--tls is not supported by migrate yet";
                    return null;
                default:
                    error = $"unknown option '{name}' (vigil migrate --help)";
                    return null;
            }
        }
        if (options.Source is null) { error = "--source HOST:PORT is required"; return null; }
        if (targets.Count == 0) { error = "at least one --target HOST:PORT is required"; return null; }
        if (options.MasterName is not null && sentinels.Count == 0) { error = "--master-name needs --sentinel HOST:PORT"; return null; }
        if (!common.TryCredentials(out var credentials, out error)) return null;
        error = null;
        return options with { Targets = targets, Sentinels = sentinels, Credentials = credentials };
    }

    internal static bool TryEndpoint(string option, string text, out RedisEndpoint endpoint, out string? error)
    {
        error = RedisEndpoint.TryParse(text, out endpoint) ? null : $"{option} needs HOST:PORT, not '{text}'";
        return error is null;
    }

    internal static bool TryPositive(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;
}
