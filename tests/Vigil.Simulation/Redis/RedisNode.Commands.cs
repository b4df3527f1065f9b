using System.Globalization;
using Vigil.Resp;
using Vigil.Simulation.Network;

namespace Vigil.Simulation.Redis;

// The server side: accepting clients and running their commands with Redis 7.0's checks, in its order.
internal sealed partial class RedisNode
{
    private static readonly RespValue Queued = new RespSimpleString("QUEUED");
    private static readonly RespError LoadingError = new("LOADING Redis is loading the dataset in memory");
    private static readonly RespError BusyError = new("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
    private static readonly RespError ReadOnlyError = new("READONLY You can't write against a read only replica.");
    private static readonly RespError NoReplicasError = new("NOREPLICAS Not enough good replicas to write.");

    public void OnAccepted(SimConnection connection)
    {
        connection.ServerTag = new RedisClientState();
        _clients.Add(connection);
    }

    public void OnClientClosed(SimConnection connection)
    {
        _clients.Remove(connection);
        connection.State = ConnectionState.Closed;
    }

    public void OnCommand(SimConnection connection, string[] args)
    {
        if (!Running || args.Length == 0) return;
        if (IsFrozen)
        {
            _frozenInbox.Enqueue((connection, args));
            return;
        }
        Dispatch(connection, args);
    }

    private void Dispatch(SimConnection connection, string[] args)
    {
        var client = (RedisClientState)connection.ServerTag!;
        // A client blocked by CLIENT PAUSE or WAIT runs nothing else until its held command ran.
        if (client.Blocked)
        {
            client.Postponed.Enqueue(args);
            return;
        }
        if (client.Postponed.Count > 0 || IsPausedFor(args))
        {
            client.Postponed.Enqueue(args);
            if (client.Postponed.Count == 1)
            {
                int incarnation = _incarnation;
                _world.Queue.At(PausedUntilMs, () => RunPostponed(connection, incarnation));
            }
            return;
        }
        var reply = Process(connection, client, args);
        if (reply is not null) connection.Reply(reply);
    }

    private bool IsPausedFor(string[] args) =>
        PausedUntilMs > NowMs && (PauseAll || (CommandTraits.Table.TryGetValue(args[0], out var traits) && (traits.Writes || traits.MayReplicate)));

    private void RunPostponed(SimConnection connection, int incarnation)
    {
        if (incarnation != _incarnation || connection.State != ConnectionState.Open) return;
        var client = (RedisClientState)connection.ServerTag!;
        if (PausedUntilMs > NowMs)
        {
            _world.Queue.At(PausedUntilMs, () => RunPostponed(connection, incarnation));
            return;
        }
        while (!client.Blocked && client.Postponed.TryDequeue(out var args))
        {
            if (IsPausedFor(args))
            {
                client.Postponed.Enqueue(args);
                _world.Queue.At(PausedUntilMs, () => RunPostponed(connection, incarnation));
                return;
            }
            var reply = Process(connection, client, args);
            if (reply is not null) connection.Reply(reply);
        }
    }

    /// <summary>
    /// <c>WAIT numreplicas timeout</c>: blocks the client until that many replicas acknowledged the current offset
    /// (or the timeout passes; 0 waits forever), then answers how many did.
    /// </summary>
    private RespValue? Wait(SimConnection connection, RedisClientState client, string[] args)
    {
        if (args.Length != 3 || !int.TryParse(args[1], out int wanted) || !long.TryParse(args[2], out long timeoutMs) || timeoutMs < 0)
        {
            return new RespError("ERR value is not an integer or out of range");
        }
        if (!IsMaster) return new RespError("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.");
        long target = Log.Count;
        if (AcknowledgedAtLeast(target) >= wanted) return RespValue.Integer(AcknowledgedAtLeast(target));
        client.Blocked = true;
        long deadline = timeoutMs == 0 ? long.MaxValue : NowMs + timeoutMs;
        int incarnation = _incarnation;
        void Poll()
        {
            if (incarnation != _incarnation || connection.State != ConnectionState.Open) return;
            int acknowledged = AcknowledgedAtLeast(target);
            if (acknowledged < wanted && NowMs < deadline)
            {
                _world.Queue.At(Math.Min(deadline, NowMs + 100), Poll);
                return;
            }
            client.Blocked = false;
            connection.Reply(RespValue.Integer(acknowledged));
            RunPostponed(connection, incarnation);
        }
        _world.Queue.After(100, Poll);
        return null;
    }

    private int AcknowledgedAtLeast(long count) => AttachedReplicas().Count(r => r.LinkState == ReplicationLinkState.Up && r.AckedCount >= count);

    /// <summary>processCommand in miniature: lookup, write checks, pub/sub context, loading, busy, MULTI, call.</summary>
    private RespValue? Process(SimConnection connection, RedisClientState client, string[] args)
    {
        string name = args[0].ToUpperInvariant();
        if (!CommandTraits.Table.TryGetValue(name, out var traits))
        {
            return Reject(client, new RespError($"ERR unknown command '{args[0]}', with args beginning with: {string.Join(' ', args.Skip(1).Select(a => $"'{a}'"))}"));
        }
        if (traits.Writes && IsMaster && Spec.MinReplicasToWrite > 0 && GoodReplicas() < Spec.MinReplicasToWrite) return Reject(client, NoReplicasError);
        if (traits.Writes && !IsMaster) return Reject(client, ReadOnlyError);
        if (client.IsPubSub && !traits.WhileSubscribed)
        {
            return Reject(client, new RespError($"ERR Can't execute '{args[0].ToLowerInvariant()}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"));
        }
        if (IsLoading && !traits.WhileLoading) return Reject(client, LoadingError);
        if (IsBusy && !traits.WhileBusy && !(name == "SCRIPT" && args.Length > 1)) return Reject(client, BusyError);
        if (client.InMulti && name is not ("EXEC" or "DISCARD" or "MULTI"))
        {
            client.Queued.Add(args);
            return Queued;
        }
        return Call(connection, client, name, args);
    }

    private static RespError Reject(RedisClientState client, RespError error)
    {
        if (client.InMulti) client.MultiDirty = true;
        return error;
    }

    private RespValue? Call(SimConnection connection, RedisClientState client, string name, string[] args)
    {
        switch (name)
        {
            case "PING":
                return client.IsPubSub ? RespValue.Array(RespValue.Bulk("pong"), RespValue.Bulk("")) : new RespSimpleString("PONG");
            case "AUTH":
                return new RespError("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
            case "CLIENT":
                return Client(connection, client, args);
            case "INFO":
                return RespValue.Bulk(RedisInfo.Build(this, _clients.Count));
            case "ROLE":
                return IsMaster
                    ? RespValue.Array(RespValue.Bulk("master"), RespValue.Integer(OffsetBytes), RespValue.Array())
                    : RespValue.Array(RespValue.Bulk("slave"), RespValue.Bulk(Upstream!.Value.Host), RespValue.Integer(Upstream.Value.Port),
                        RespValue.Bulk(LinkState == ReplicationLinkState.Up ? "connected" : "connect"), RespValue.Integer(OffsetBytes));
            case "SUBSCRIBE":
                foreach (string channel in args.Skip(1))
                {
                    client.Channels.Add(channel);
                    connection.Reply(RespValue.Array(RespValue.Bulk("subscribe"), RespValue.Bulk(channel), RespValue.Integer(client.Channels.Count)));
                }
                return null;
            case "UNSUBSCRIBE":
                client.Channels.Clear();
                return RespValue.Array(RespValue.Bulk("unsubscribe"), RespValue.NullValue, RespValue.Integer(0));
            case "PUBLISH":
                return args.Length == 3 ? Publish(args[1], args[2]) : WrongArity("publish");
            case "MULTI":
                if (client.InMulti) return new RespError("ERR MULTI calls can not be nested");
                client.InMulti = true;
                client.MultiDirty = false;
                client.Queued.Clear();
                return RespValue.Ok;
            case "DISCARD":
                if (!client.InMulti) return new RespError("ERR DISCARD without MULTI");
                client.InMulti = false;
                client.Queued.Clear();
                return RespValue.Ok;
            case "EXEC":
                return Exec(connection, client);
            case "SLAVEOF":
            case "REPLICAOF":
                return ReplicaOf(args, connection);
            case "CONFIG":
                return Config(args);
            case "SCRIPT":
                if (args.Length > 1 && args[1].Equals("KILL", StringComparison.OrdinalIgnoreCase))
                {
                    if (!IsBusy) return new RespError("NOTBUSY No scripts in execution right now.");
                    BusyUntilMs = 0;
                    _world.Trace.Add(NowMs, Name, "script killed");
                    return RespValue.Ok;
                }
                return RespValue.Ok;
            case "SET":
                if (args.Length < 3 || !TryParseWriteId(args[1], out long writeId)) return RespValue.Ok;
                ApplyWrite(writeId);
                return RespValue.Ok;
            case "GET":
                return RespValue.NullValue;
            case "WAIT":
                return Wait(connection, client, args);
            default:
                return new RespError($"ERR unknown command '{args[0]}'");
        }
    }

    private static RespError WrongArity(string command) => new($"ERR wrong number of arguments for '{command}' command");

    /// <summary>Writes from the simulated client use keys <c>w:&lt;id&gt;</c>.</summary>
    private static bool TryParseWriteId(string key, out long id)
    {
        id = 0;
        return key.StartsWith("w:", StringComparison.Ordinal) && long.TryParse(key.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }

    private RespValue Publish(string channel, string payload)
    {
        if (channel == "__sentinel__:hello") _world.Checker.OnHelloSeen(payload, _helloSource ??= $"{Name} channel");
        int receivers = 0;
        var message = RespValue.Array(RespValue.Bulk("message"), RespValue.Bulk(channel), RespValue.Bulk(payload));
        foreach (var subscriber in _clients)
        {
            if (subscriber.ServerTag is RedisClientState { } state && state.Channels.Contains(channel))
            {
                subscriber.Reply(message);
                receivers++;
            }
        }
        return RespValue.Integer(receivers);
    }

    private RespValue Exec(SimConnection connection, RedisClientState client)
    {
        if (!client.InMulti) return new RespError("ERR EXEC without MULTI");
        client.InMulti = false;
        var queued = client.Queued.ToList();
        client.Queued.Clear();
        if (client.MultiDirty)
        {
            client.MultiDirty = false;
            return new RespError("EXECABORT Transaction discarded because of previous errors.");
        }
        var replies = new List<RespValue>(queued.Count);
        foreach (var args in queued)
        {
            // Inside EXEC the commands run without the queueing checks, atomically.
            replies.Add(Call(connection, client, args[0].ToUpperInvariant(), args) ?? RespValue.Ok);
        }
        return new RespArray(replies);
    }

    private RespValue ReplicaOf(string[] args, SimConnection connection)
    {
        if (args.Length != 3) return WrongArity(args[0].ToLowerInvariant());
        if (args[1].Equals("NO", StringComparison.OrdinalIgnoreCase) && args[2].Equals("ONE", StringComparison.OrdinalIgnoreCase))
        {
            if (!IsMaster)
            {
                _world.Checker.OnPromotion(this, connection);
                BecomeMaster();
            }
            return RespValue.Ok;
        }
        if (!int.TryParse(args[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int port) || port is < 0 or > 65535)
        {
            return new RespError("ERR Invalid master port");
        }
        var address = new RedisAddress(args[1], port);
        if (Upstream is { } current && current.Matches(address.Host, address.Port))
        {
            return new RespSimpleString("OK Already connected to specified master");
        }
        BecomeReplicaOf(address);
        return RespValue.Ok;
    }

    private RespValue Config(string[] args)
    {
        if (args.Length < 2) return WrongArity("config");
        string sub = args[1].ToUpperInvariant();
        if (sub == "REWRITE")
        {
            ConfiguredUpstream = Upstream;
            return RespValue.Ok;
        }
        return sub == "GET" ? RespValue.Array() : RespValue.Ok;
    }

    private RespValue Client(SimConnection connection, RedisClientState client, string[] args)
    {
        if (args.Length < 2) return WrongArity("client");
        switch (args[1].ToUpperInvariant())
        {
            case "SETNAME":
                client.Name = args.Length > 2 ? args[2] : null;
                return RespValue.Ok;
            case "GETNAME":
                return client.Name is null ? RespValue.NullValue : RespValue.Bulk(client.Name);
            case "KILL":
                return Kill(connection, args);
            case "PAUSE":
                if (args.Length < 3 || !long.TryParse(args[2], out long pauseMs) || pauseMs < 0)
                {
                    return new RespError("ERR timeout is not an integer or out of range");
                }
                PausedUntilMs = Math.Max(PausedUntilMs, NowMs + pauseMs);
                PauseAll = args.Length < 4 || !args[3].Equals("WRITE", StringComparison.OrdinalIgnoreCase);
                _world.Trace.Add(NowMs, Name, $"clients paused ({(PauseAll ? "all" : "write")}) for {pauseMs} ms");
                return RespValue.Ok;
            case "UNPAUSE":
                PausedUntilMs = NowMs;
                foreach (var other in _clients.ToList())
                {
                    if (other.ServerTag is RedisClientState { Postponed.Count: > 0 }) RunPostponed(other, _incarnation);
                }
                return RespValue.Ok;
            default:
                return RespValue.Ok;
        }
    }

    /// <summary><c>CLIENT KILL TYPE normal|pubsub</c>: every other client of that type (the caller is spared).</summary>
    private RespValue Kill(SimConnection caller, string[] args)
    {
        if (args.Length != 4 || !args[2].Equals("TYPE", StringComparison.OrdinalIgnoreCase)) return RespValue.Integer(0);
        bool pubsub = args[3].Equals("pubsub", StringComparison.OrdinalIgnoreCase);
        bool normal = args[3].Equals("normal", StringComparison.OrdinalIgnoreCase);
        int killed = 0;
        foreach (var connection in _clients.ToList())
        {
            if (connection == caller || connection.ServerTag is not RedisClientState state) continue;
            if ((pubsub && state.IsPubSub) || (normal && !state.IsPubSub))
            {
                _clients.Remove(connection);
                connection.CloseByServer("Connection closed by server (CLIENT KILL)");
                killed++;
            }
        }
        return RespValue.Integer(killed);
    }
}
