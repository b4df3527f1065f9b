using Vigil.Resp;
using Vigil.Sentinel.Election;
using Vigil.Sentinel.Events;
using Vigil.Sentinel.Failover;
using Vigil.Sentinel.Links;
using Vigil.Sentinel.Monitoring;
using Vigil.Sentinel.Scripts;

namespace Vigil.Sentinel.Commands;

/// <summary>
/// <c>SENTINEL &lt;subcommand&gt;</c> (§10.2-10.5): a table of subcommands with Redis-style arity checks, and the
/// handlers, grouped by concern in the partial files next to this one.
/// </summary>
internal sealed partial class SentinelCommands
{
    private readonly SentinelContext _context;
    private readonly Topology _topology;
    private readonly LinkManager _links;
    private readonly EventEmitter _events;
    private readonly LeaderVote _vote;
    private readonly FailoverMachine _failover;
    private readonly ScriptQueue _scripts;

    public SentinelCommands(SentinelContext context, Topology topology, LinkManager links, EventEmitter events, LeaderVote vote,
        FailoverMachine failover, ScriptQueue scripts)
    {
        _context = context;
        _topology = topology;
        _links = links;
        _events = events;
        _vote = vote;
        _failover = failover;
        _scripts = scripts;
        Table =
        [
            new("ckquorum", 3, HandleCkQuorum),
            new("config", -3, HandleConfig),
            new("debug", -2, HandleDebug),
            new("failover", -3, HandleFailover),
            new("flushconfig", 2, HandleFlushConfig),
            new("get-master-addr-by-name", 3, HandleGetMasterAddrByName),
            new("help", 2, HandleHelp),
            new("info-cache", -3, HandleInfoCache),
            new("is-master-down-by-addr", 6, HandleIsMasterDownByAddr),
            new("master", 3, HandleMaster),
            new("masters", 2, HandleMasters),
            new("monitor", 6, HandleMonitor),
            new("myid", 2, HandleMyId),
            new("pending-scripts", 2, HandlePendingScripts),
            new("remove", 3, HandleRemove),
            new("replicas", 3, HandleReplicas),
            new("reset", 3, HandleReset),
            new("sentinels", 3, HandleSentinels),
            new("set", -5, HandleSet),
            new("simulate-failure", -3, HandleSimulateFailure),
            new("slaves", 3, HandleReplicas),
        ];
    }

    /// <summary>Every subcommand, in the reference's table order.</summary>
    public IReadOnlyList<SentinelSubcommand> Table { get; }

    /// <summary><paramref name="args"/> are the words after "SENTINEL": [subcommand, arguments...].</summary>
    public RespValue Execute(IReadOnlyList<string> args)
    {
        if (args.Count == 0) return Errors.WrongArity("sentinel");
        string name = args[0];
        SentinelSubcommand? command = null;
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

    private MasterRecord? FindMaster(string name) => _context.Masters.GetValueOrDefault(name);
}
