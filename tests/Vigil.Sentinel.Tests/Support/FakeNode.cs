using Vigil.Resp;

namespace Vigil.Sentinel.Tests.Support;

/// <summary>A simulated Redis instance or peer sentinel, answering the commands a sentinel sends.</summary>
internal sealed class FakeNode(string ip, int port)
{
    public string Ip { get; } = ip;
    public int Port { get; } = port;

    /// <summary>False: connections are refused. Frozen (like SIGSTOP): commands wait in <see cref="Backlog"/> and
    /// are answered, in order, once thawed.</summary>
    public bool Up { get; set; } = true;
    public bool Frozen { get; set; }

    /// <summary>Commands received while frozen: (link, role, args), answered by the host once thawed.</summary>
    public Queue<(LinkId Link, LinkRole Role, IReadOnlyList<string> Args)> Backlog { get; } = new();

    /// <summary>When set, a connection must AUTH with this password before anything else is answered.</summary>
    public string? RequirePass { get; set; }

    private string? _info;

    /// <summary>INFO text, or null for a peer sentinel; rendered from <see cref="Model"/> when there is one.</summary>
    public string? Info
    {
        get => Model is { } model ? model.Render() : _info;
        set => _info = value;
    }

    /// <summary>Replication model answering INFO, MULTI/EXEC, SLAVEOF and CLIENT PAUSE; null for scripted nodes.</summary>
    public RedisModel? Model { get; set; }

    /// <summary>Reply to PING (PONG by default).</summary>
    public RespValue PingReply { get; set; } = new RespSimpleString("PONG");

    /// <summary>Commands answered with a NOPERM error, as an ACL that does not allow them would.</summary>
    public HashSet<string> RefusedCommands { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Answer to SENTINEL is-master-down-by-addr, for peers.</summary>
    public Func<IReadOnlyList<string>, RespValue>? IsMasterDownReply { get; set; }

    /// <summary>Answer to SENTINEL GET-MASTER-ADDR-BY-NAME, for peers (null: a null array).</summary>
    public Func<IReadOnlyList<string>, RespValue>? MasterAddrReply { get; set; }

    /// <summary>For a peer sentinel: the run id it answers SENTINEL MYID with (null: not a sentinel).</summary>
    public string? SentinelRunId { get; set; }

    /// <summary>For a peer sentinel: the masters it watches, by name, answered to GET-MASTER-ADDR-BY-NAME.</summary>
    public Dictionary<string, (string Ip, int Port)> Watches { get; } = new(StringComparer.Ordinal);

    /// <summary>Every command received, in order.</summary>
    public List<IReadOnlyList<string>> Received { get; } = [];

    /// <summary>Hello payloads published on this node, delivered to subscribers.</summary>
    public List<string> Published { get; } = [];

    public RespValue Answer(IReadOnlyList<string> args)
    {
        Received.Add(args);
        if (Model?.Answer(args) is { } modelled) return modelled;
        string name = args[0].ToUpperInvariant();
        if (RefusedCommands.Contains(name)) return new RespError($"NOPERM this user has no permissions to run the '{args[0]}' command");
        return name switch
        {
            "PING" => PingReply,
            "INFO" => Info is null ? new RespError("ERR unknown command") : RespValue.Bulk(Info),
            "PUBLISH" => Publish(args),
            "SENTINEL" when args[1].Equals("myid", StringComparison.OrdinalIgnoreCase) =>
                SentinelRunId is null ? new RespError("ERR unknown command") : RespValue.Bulk(SentinelRunId),
            "SENTINEL" when args[1].Equals("get-master-addr-by-name", StringComparison.OrdinalIgnoreCase) =>
                MasterAddrReply?.Invoke(args) ?? WatchedAddress(args[2]),
            "SENTINEL" when IsMasterDownReply is not null => IsMasterDownReply(args),
            _ => RespValue.Ok,
        };
    }

    private RespValue WatchedAddress(string masterName) =>
        Watches.TryGetValue(masterName, out var address)
            ? RespValue.Array(RespValue.Bulk(address.Ip), RespValue.Bulk(address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            : new RespNull { IsNullArray = true };

    private RespValue Publish(IReadOnlyList<string> args)
    {
        Published.Add(args[2]);
        return RespValue.Integer(1);
    }
}
