using Vigil.Sentinel.Config;
using Vigil.Server.Clients;
using Vigil.Server.Commands;
using Vigil.Server.Logging;
using Vigil.Server.Loop;
using Vigil.Server.PubSub;
using Vigil.Server.Security;
using Vigil.Tls;

namespace Vigil.Server;

/// <summary>What command handlers and sessions share: configuration, clients, pub/sub, users, the loop.</summary>
public sealed class ServerContext
{
    public ServerContext(SentinelConfig config, SentinelLog log, Clock clock, HostInfo host, RedisCompatibility? compatibility = null)
    {
        Compatibility = compatibility ?? RedisCompatibility.Redis70;
        Config = config;
        Log = log;
        Clock = clock;
        Host = host;
        Clients = new ClientRegistry(config.Server.MaxClients);
        Acl = new AclStore(config.Server);
        AclLog = new AclLog(config.Server.AclLogMaxLen);
        OutputLimits = new OutputLimits(config.Server.PubSubOutputBufferLimit, clock, log.Warning);
        PubSub = new PubSubHub(this);
        Commands = CommandTable.Create(config.Server.RenameCommands, Compatibility);
        Dispatcher = new CommandDispatcher(this);
    }

    public SentinelConfig Config { get; }
    public RedisCompatibility Compatibility { get; }
    public SentinelLog Log { get; }
    public Clock Clock { get; }
    public HostInfo Host { get; }
    public ClientRegistry Clients { get; }
    public AclStore Acl { get; }
    public AclLog AclLog { get; }
    public OutputLimits OutputLimits { get; }
    public PubSubHub PubSub { get; }
    public CommandTable Commands { get; }
    public CommandDispatcher Dispatcher { get; }

    /// <summary>The TLS settings when <c>tls-port</c> or <c>tls-replication</c> asks for TLS; null otherwise.</summary>
    public TlsContext? Tls { get; init; }
    public ServerStats Stats { get; } = new();

    /// <summary>Answers to SENTINEL GET-MASTER-ADDR-BY-NAME that still hold (the loop has taken no step since).</summary>
    public MasterAddressCache MasterAddresses { get; } = new();

    /// <summary>Set once the loop exists; commands that need the core go through it.</summary>
    public EventLoop Loop { get; set; } = null!;

    /// <summary>Asks the host to stop (SHUTDOWN); the host persists state and exits with the code.</summary>
    public Action<int> RequestShutdown { get; set; } = _ => { };
}

/// <summary>Facts about this process that INFO server reports.</summary>
public sealed record HostInfo(string ConfigFile, string Executable, int Port, DateTime StartedAtUtc, string RunId);

/// <summary>Counters for INFO stats.</summary>
public sealed class ServerStats
{
    private long _commandsProcessed;
    private long _errorReplies;

    public long CommandsProcessed => Interlocked.Read(ref _commandsProcessed);
    public long ErrorReplies => Interlocked.Read(ref _errorReplies);

    public void CountCommand() => Interlocked.Increment(ref _commandsProcessed);
    public void CountError() => Interlocked.Increment(ref _errorReplies);
}
