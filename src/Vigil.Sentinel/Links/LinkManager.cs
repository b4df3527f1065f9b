using Vigil.Resp;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.Discovery;
using Vigil.Sentinel.Events;
using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Links;

/// <summary>
/// Opens, names, authenticates and closes the connections behind every <see cref="InstanceLink"/>, sends
/// commands on them and matches replies with what asked for them.
/// </summary>
internal sealed class LinkManager(CoreSettings settings, CoreClock clock, EffectQueue effects, MonitorState monitored, AddressResolver resolver, EventEmitter events)
{
    /// <summary>Every open or opening connection, by the id the host knows it by.</summary>
    private readonly Dictionary<LinkId, Connection> _connections = [];
    private int _lastLinkId;

    /// <summary>A link for a new record: shared with the same peer under another master if there is one.</summary>
    public InstanceLink LinkFor(InstanceKind kind, string? peerRunId)
    {
        if (kind == InstanceKind.Sentinel && peerRunId is not null)
        {
            foreach (var existing in monitored.PeersWithRunId(peerRunId))
            {
                if (!existing.IsRemoved) return existing.Link;
            }
        }
        return new InstanceLink(wantsPubSub: kind != InstanceKind.Sentinel, clock.NowMs);
    }

    /// <summary>Registers <paramref name="record"/> as a user of its link.</summary>
    public static void Attach(InstanceRecord record)
    {
        if (!record.Link.Users.Contains(record)) record.Link.Users.Add(record);
    }

    /// <summary>The record stops using its link; the last user closes it. Its pending replies are dropped.</summary>
    public void Release(InstanceRecord record)
    {
        record.IsRemoved = true;
        var link = record.Link;
        link.Users.Remove(record);
        if (link.Users.Count == 0) CloseAll(link);
    }

    public void CloseAll(InstanceLink link)
    {
        CloseCommandConnection(link);
        ClosePubSubConnection(link);
    }

    /// <summary>
    /// Opens whichever connection is missing, at most once per PING period. With <c>resolve-hostnames</c> the
    /// hostname is resolved again first (the instance may have come back on another IP): the command connection
    /// waits for a current answer, and the <see cref="HostnameResolved"/> that brings it wakes every master.
    /// </summary>
    public void Reconnect(InstanceRecord record)
    {
        var link = record.Link;
        if (!NeedsReconnect(record)) return;
        if (clock.NowMs - link.LastReconnectAtMs < settings.Timings.PingPeriodMs) return;
        if (link.Command is null && !resolver.HasCurrentAnswer(record.Address.Hostname)) return;
        link.LastReconnectAtMs = clock.NowMs;

        if (link.Command is null)
        {
            if (resolver.IsResolvedName(record.Address.Hostname))
            {
                var fresh = resolver.Create(record.Address.Hostname, record.Address.Port, acceptUnresolved: false, out _);
                if (fresh is not null) record.Address = fresh;
            }
            link.Command = Open(link, LinkRole.Command, record);
            link.Awaited.Clear();
            // The reference queues a PING together with the connect and, if no PING was outstanding, starts the
            // silence clock at the connect. A reconnect is no sign of life, though: an instance killed with its last
            // PING answered has been silent since its last valid reply, and restarting the clock at the first
            // reconnect attempt would put its SDOWN (and the failover) up to a reconnect period later, or end an
            // SDOWN already reached with -sdown. So silence goes on counting from the last valid reply. The PING
            // itself goes out once the connection is up.
            link.LastPingSentAtMs = clock.NowMs;
            if (link.ActivePingSentAtMs == 0) link.ActivePingSentAtMs = link.LastAvailableAtMs;
        }
        if (link.WantsPubSub && link.PubSub is null)
        {
            link.PubSub = Open(link, LinkRole.PubSub, record);
        }
    }

    /// <summary>A connection is missing (not merely still connecting) and the address is usable.</summary>
    public static bool NeedsReconnect(InstanceRecord record) =>
        record.Address.Port != 0
        && (record.Link.Command is null || (record.Link.WantsPubSub && record.Link.PubSub is null));

    /// <summary>
    /// When <see cref="Reconnect"/> will next act for this record, or <see cref="long.MaxValue"/>. While it waits for
    /// the address, not before the question is due again (the answer, an input, wakes it sooner).
    /// </summary>
    public long ReconnectDueAt(InstanceRecord record)
    {
        if (!NeedsReconnect(record)) return long.MaxValue;
        long due = record.Link.LastReconnectAtMs + settings.Timings.PingPeriodMs;
        if (record.Link.Command is null && resolver.AskAgainAtMs(record.Address.Hostname) is { } askAgainAtMs) due = Math.Max(due, askAgainAtMs);
        return due;
    }

    /// <summary>
    /// A command connection that belongs to no record (a one-off question, see <c>MoveTargetCheck</c>): only its id is
    /// drawn here, so ids stay unique; its inputs are the caller's to handle.
    /// </summary>
    public LinkId OpenUnowned(string host, int port)
    {
        var id = new LinkId(++_lastLinkId);
        effects.Emit(new OpenLink(id, host, port, LinkRole.Command, settings.Config.Server.BindSourceAddr));
        return id;
    }

    private Connection Open(InstanceLink link, LinkRole role, InstanceRecord record)
    {
        var connection = new Connection(new LinkId(++_lastLinkId), role, link, clock.NowMs);
        _connections[connection.Id] = connection;
        effects.Emit(new OpenLink(connection.Id, record.Address.ConnectHost, record.Address.Port, role, settings.Config.Server.BindSourceAddr));
        return connection;
    }

    /// <summary>
    /// The host connected: authenticate, name the connection, then PING (command) or SUBSCRIBE to hellos
    /// (pub/sub). Returns false for a link the core no longer knows.
    /// </summary>
    public bool OnConnected(LinkConnected input)
    {
        if (!_connections.TryGetValue(input.Link, out var connection) || connection.IsUp) return false;
        connection.IsUp = true;
        connection.LocalIp = NormaliseLocalIp(input.LocalIp);
        var link = connection.Owner;
        if (link.Users.Count == 0) return false;
        var record = link.Users[0];
        string suffix = connection.Role == LinkRole.Command ? "cmd" : "pubsub";

        var (user, pass) = Credentials(record);
        if (pass is not null)
        {
            string auth = MapCommand(record, "AUTH");
            SendOn(connection, record, ReplyKind.Discard, user is null ? [auth, pass] : [auth, user, pass]);
        }
        SendOn(connection, record, ReplyKind.Discard, [MapCommand(record, "CLIENT"), "SETNAME", $"sentinel-{monitored.MyId[..8]}-{suffix}"]);
        if (connection.Role == LinkRole.Command)
        {
            SendPing(record);
        }
        else
        {
            connection.SetupRepliesOwed = pass is null ? 1 : 2;
            SendOn(connection, record, ReplyKind.Discard, [MapCommand(record, "SUBSCRIBE"), HelloChannel.Name]);
        }
        return true;
    }

    /// <summary>
    /// Reads a reply on a pub/sub connection. The replies to AUTH and CLIENT SETNAME are passed over whatever they
    /// say; an error after them is the SUBSCRIBE refused (typically <c>-NOAUTH</c>, wrong or missing credentials).
    /// The reference's client library drops a subscribed connection on an error, so the instance shows
    /// <c>disconnected</c> until a later reconnection manages to subscribe; this does the same. Returns false when
    /// the connection was dropped.
    /// </summary>
    public bool KeepsPubSubAfter(Connection connection, RespValue reply)
    {
        if (connection.SetupRepliesOwed > 0)
        {
            connection.SetupRepliesOwed--;
            return true;
        }
        if (reply is not RespError) return true;
        if (connection.Owner.PubSub == connection) ClosePubSubConnection(connection.Owner);
        return false;
    }

    /// <summary>The host lost a connection (or could not make it). Returns false for a link the core no longer knows.</summary>
    public bool OnClosed(LinkClosed input)
    {
        if (!_connections.TryGetValue(input.Link, out var connection)) return false;
        var link = connection.Owner;
        if (!connection.IsUp && link.Users.Count > 0)
        {
            string type = connection.Role == LinkRole.Command ? "-cmd-link-reconnection" : "-pubsub-link-reconnection";
            events.About(LogLevel.Debug, type, link.Users[0], $" #{input.Reason}");
        }
        Forget(connection);
        return true;
    }

    /// <summary>
    /// A dual-mode socket reports IPv4 peers as <c>::ffff:a.b.c.d</c>; peers compare addresses as strings, so the
    /// plain IPv4 form is what we announce.
    /// </summary>
    private static string NormaliseLocalIp(string localIp) =>
        System.Net.IPAddress.TryParse(localIp, out var address) && address.IsIPv4MappedToIPv6
            ? address.MapToIPv4().ToString()
            : localIp;

    public void CloseCommandConnection(InstanceLink link)
    {
        if (link.Command is { } connection)
        {
            effects.Emit(new CloseLink(connection.Id));
            Forget(connection);
        }
    }

    public void ClosePubSubConnection(InstanceLink link)
    {
        if (link.PubSub is { } connection)
        {
            effects.Emit(new CloseLink(connection.Id));
            Forget(connection);
        }
    }

    private void Forget(Connection connection)
    {
        _connections.Remove(connection.Id);
        var link = connection.Owner;
        if (link.Command == connection)
        {
            link.Command = null;
            DropAwaited(link);
        }
        if (link.PubSub == connection) link.PubSub = null;
    }

    /// <summary>Replies owed by a dead connection never come: clear the in-flight marks they held.</summary>
    private static void DropAwaited(InstanceLink link)
    {
        foreach (var awaited in link.Awaited) ClearInFlight(awaited);
        link.Awaited.Clear();
    }

    private static void ClearInFlight(AwaitedReply awaited)
    {
        switch (awaited.Kind)
        {
            case ReplyKind.Info when awaited.Owner is DataNodeRecord node:
                node.InfoInFlight = false;
                break;
            case ReplyKind.Publish:
                awaited.Owner.HelloInFlight = false;
                break;
            case ReplyKind.IsMasterDown when awaited.Owner is PeerRecord peer:
                peer.AskInFlight = false;
                break;
        }
    }

    /// <summary>
    /// <c>+QUEUED</c> came back for a PING, INFO or PUBLISH: a MULTI is open on this connection (its EXEC was refused
    /// or never arrived), so every command from now on is queued, not run. Only a new connection gets out of it.
    /// </summary>
    public static bool IsStuckInTransaction(AwaitedReply awaited, RespValue reply) =>
        awaited.Kind is ReplyKind.Ping or ReplyKind.Info or ReplyKind.Publish
        && reply is RespSimpleString { Text: "QUEUED" };

    public void CloseStuckInTransaction(InstanceLink link, AwaitedReply awaited)
    {
        ClearInFlight(awaited);
        if (link.Users.Count > 0) effects.Log(LogLevel.Warning, $"Reconnecting to {link.Users[0].Name}: a transaction left open on the link queues our commands");
        CloseCommandConnection(link);
    }

    /// <summary>Finds the connection a reply arrived on; null for one the core closed or never opened.</summary>
    public Connection? Find(LinkId id) => _connections.GetValueOrDefault(id);

    /// <summary>Sends a command on the record's command connection. False if it is not up.</summary>
    public bool Send(InstanceRecord record, ReplyKind kind, params string[] args) => SendAbout(record, kind, null, args);

    /// <summary>Like <see cref="Send"/>, remembering the master address the question names with the awaited reply.</summary>
    public bool SendAbout(InstanceRecord record, ReplyKind kind, InstanceAddress? about, params string[] args)
    {
        if (record.Link.Command is not { IsUp: true } connection) return false;
        args[0] = MapCommand(record, args[0]);
        SendOn(connection, record, kind, args, about);
        return true;
    }

    public void SendPing(InstanceRecord record) => Send(record, ReplyKind.Ping, "PING");

    /// <summary>
    /// A probe is a command whose answer proves the instance alive: a PING, and to a master or replica also our
    /// hello's PUBLISH (<see cref="PingReplies.IsProbe"/>). A probe stands for the PING of its slot, so an instance is
    /// not asked twice in one slot.
    /// </summary>
    private void NoteProbeSent(InstanceLink link, ReplyKind kind)
    {
        link.LastPingSentAtMs = clock.NowMs;
        if (kind == ReplyKind.Ping) link.LastActualPingSentAtMs = clock.NowMs;
        // While a probe is unanswered the silence is measured from the first one, not the latest.
        if (link.ActivePingSentAtMs == 0) link.ActivePingSentAtMs = clock.NowMs;
    }

    private void SendOn(Connection connection, InstanceRecord record, ReplyKind kind, string[] args, InstanceAddress? about = null)
    {
        // At most one INFO in flight per record (compatibility-rules §13.10): its reply is matched by that flag.
        Invariants.Check(kind != ReplyKind.Info || record is not DataNodeRecord { InfoInFlight: true },
            $"a second INFO in flight for {record.Name}");
        if (connection.Role == LinkRole.Command)
        {
            bool probe = PingReplies.IsProbe(kind, record);
            connection.Owner.Awaited.Enqueue(new AwaitedReply(kind, record, clock.NowMs, about, probe));
            if (probe) NoteProbeSent(connection.Owner, kind);
        }
        effects.Emit(new SendCommand(connection.Id, args));
    }

    /// <summary>
    /// Applies the master's <c>rename-command</c> map. Only toward Redis instances: the reference also renames
    /// commands sent to peer sentinels, which breaks peer PINGs when PING is renamed on the data nodes.
    /// </summary>
    public static string MapCommand(InstanceRecord record, string command)
    {
        if (record.Kind == InstanceKind.Sentinel) return command;
        foreach (var rename in record.OwningMaster.Settings.RenameCommands)
        {
            if (string.Equals(rename.Command, command, StringComparison.OrdinalIgnoreCase)) return rename.RenamedTo;
        }
        return command;
    }

    /// <summary>
    /// Toward Redis: the master's auth-user/auth-pass. Toward peers: sentinel-user/sentinel-pass, else this
    /// sentinel's own requirepass (sentinels of one group traditionally share it).
    /// </summary>
    private (string? User, string? Pass) Credentials(InstanceRecord record)
    {
        if (record.Kind != InstanceKind.Sentinel) return DataNodeCredentials(record);
        if (settings.Wide.SentinelPass is not null) return (settings.Wide.SentinelUser, settings.Wide.SentinelPass);
        return (null, settings.Config.Server.RequirePass);
    }

    /// <summary>The master's auth-user/auth-pass, which serve every data node of its group.</summary>
    public static (string? User, string? Pass) DataNodeCredentials(InstanceRecord record) =>
        (record.OwningMaster.Settings.AuthUser, record.OwningMaster.Settings.AuthPass);
}
