using Vigil.Resp;
using Vigil.Sentinel.Election;
using Vigil.Sentinel.Events;
using Vigil.Sentinel.Failover;
using Vigil.Sentinel.Links;
using Vigil.Sentinel.Monitoring;
using Vigil.Sentinel.Scripts;

namespace Vigil.Sentinel.Commands;

/// <summary>
/// <c>SENTINEL &lt;subcommand&gt;</c> (compatibility-rules §10.2-10.5): a table of subcommands with Redis-style arity checks, and the
/// handlers, grouped by concern in the partial files next to this one.
/// </summary>
internal sealed partial class SentinelSubcommands
{
    private readonly CoreSettings _settings;
    private readonly CoreClock _clock;
    private readonly EffectQueue _effects;
    private readonly Epochs _epochs;
    private readonly TiltState _tilt;
    private readonly MonitorState _monitored;
    private readonly AddressResolver _resolver;
    private readonly Topology _topology;
    private readonly LinkManager _links;
    private readonly EventEmitter _events;
    private readonly LeaderVote _vote;
    private readonly FailoverMachine _failover;
    private readonly ScriptQueue _scripts;
    private readonly MasterSwitch _masterSwitch;
    private readonly MoveTargetCheck _moveTargetCheck;

    /// <summary>
    /// What a handler returns when its reply leaves later, from another input (MOVE-MASTER waits for the node's INFO):
    /// the caller then emits nothing.
    /// </summary>
    public static readonly RespValue AnswerLater = new RespSimpleString("answer-later");

    /// <summary>The request being executed: a command whose reply reports its save names it (see <see cref="EffectQueue.RequestReportedPersist"/>).</summary>
    public long RequestId { get; set; }

    /// <summary>The master the last IS-MASTER-DOWN-BY-ADDR named (null: none known at that address).</summary>
    public MasterRecord? AskedAbout { get; private set; }

    /// <summary>The script paths the host found executable for the request being executed (see <see cref="SentinelRequest.ExecutablePaths"/>).</summary>
    public IReadOnlySet<string> ExecutablePaths { get; set; } = new HashSet<string>();

    /// <summary>
    /// The hostname a command names whose answer must be current before it runs (MONITOR's and MOVE-MASTER's
    /// address, IS-MASTER-DOWN-BY-ADDR's): the reference resolves it as the command runs. Null when the command
    /// names none or its answer is current; otherwise the question has been asked.
    /// </summary>
    public string? HostnameAwaited(IReadOnlyList<string> args)
    {
        if (args.Count < 2) return null;
        string? host = args[0].ToLowerInvariant() switch
        {
            "monitor" when args.Count == 5 => args[2],
            "move-master" when args.Count == 4 => args[2],
            "is-master-down-by-addr" when args.Count == 5 => args[1],
            _ => null,
        };
        return host is not null && !_resolver.HasCurrentAnswer(host) ? host : null;
    }

    public SentinelSubcommands(CoreSettings settings, CoreClock clock, EffectQueue effects, Epochs epochs, TiltState tilt,
        MonitorState monitored, AddressResolver resolver, Topology topology, LinkManager links, EventEmitter events, LeaderVote vote,
        FailoverMachine failover, ScriptQueue scripts, MasterSwitch masterSwitch, MoveTargetCheck moveTargetCheck)
    {
        _settings = settings;
        _clock = clock;
        _effects = effects;
        _epochs = epochs;
        _tilt = tilt;
        _monitored = monitored;
        _resolver = resolver;
        _topology = topology;
        _links = links;
        _events = events;
        _vote = vote;
        _failover = failover;
        _scripts = scripts;
        _masterSwitch = masterSwitch;
        _moveTargetCheck = moveTargetCheck;
        var handlers = new Dictionary<string, Func<IReadOnlyList<string>, RespValue>>(StringComparer.Ordinal)
        {
            ["ckquorum"] = HandleCkQuorum,
            ["config"] = HandleConfig,
            ["debug"] = HandleDebug,
            ["failover"] = HandleFailover,
            ["flushconfig"] = HandleFlushConfig,
            ["get-master-addr-by-name"] = HandleGetMasterAddrByName,
            ["help"] = HandleHelp,
            ["info-cache"] = HandleInfoCache,
            ["is-master-down-by-addr"] = HandleIsMasterDownByAddr,
            ["master"] = HandleMaster,
            ["masters"] = HandleMasters,
            ["monitor"] = HandleMonitor,
            ["move-master"] = HandleMoveMaster,
            ["myid"] = HandleMyId,
            ["pending-scripts"] = HandlePendingScripts,
            ["remove"] = HandleRemove,
            ["replicas"] = HandleReplicas,
            ["reset"] = HandleReset,
            ["sentinels"] = HandleSentinels,
            ["set"] = HandleSet,
            ["simulate-failure"] = HandleSimulateFailure,
            ["slaves"] = HandleReplicas,
        };
        Table = [.. SubcommandTable.All.Select(spec => new SubcommandHandler(spec, handlers[spec.Name]))];
    }

    /// <summary>Every subcommand, in the reference's table order.</summary>
    public IReadOnlyList<SubcommandHandler> Table { get; }

    /// <summary><paramref name="args"/> are the words after "SENTINEL": [subcommand, arguments...].</summary>
    public RespValue Execute(IReadOnlyList<string> args)
    {
        if (args.Count == 0) return Errors.WrongArity("sentinel");
        string name = args[0];
        SubcommandHandler? command = null;
        foreach (var row in Table)
        {
            if (string.Equals(row.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                command = row;
                break;
            }
        }
        if (command is null) return Errors.UnknownSubcommand(name);
        if (!command.ArityFits(args.Count + 1)) return Errors.WrongArity($"sentinel|{command.Name}");
        return command.Handler(args);
    }

    private MasterRecord? FindMaster(string name) => _monitored.Masters.GetValueOrDefault(name);
}
