using System.Globalization;
using Vigil.Resp;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.Election;
using Vigil.Sentinel.Monitoring;
using Vigil.Sentinel.Text;

namespace Vigil.Sentinel.Commands;

// SENTINEL MOVE-MASTER: Vigil's own subcommand (redis-sentinel has no such thing and answers "unknown subcommand").
internal sealed partial class SentinelSubcommands
{
    /// <summary>
    /// <c>SENTINEL MOVE-MASTER &lt;name&gt; &lt;ip&gt; &lt;port&gt;</c>: the operator moved the master's data to a node
    /// outside the group (a live migration into a server that refuses replication, so no failover can promote it),
    /// and the group's master becomes that node. Like SENTINEL FAILOVER it is the operator's word, given to this
    /// sentinel over its own client connection, never a peer's claim: a new epoch is taken, the configuration gets
    /// that epoch (peers that were not told adopt it only through their usual checks of a newer configuration),
    /// <c>+switch-master</c> is published and the old nodes are forgotten, since they cannot replicate the new
    /// master and every attempt to reconfigure them would fail. Whoever sends it must have checked that the node
    /// holds the data; this sentinel checks itself that it answers <c>role:master</c> (<see cref="MoveTargetCheck"/>):
    /// the reply waits for the node's INFO, and anything but <c>role:master</c> is an error that changes nothing.
    /// The checks above are made again once the node answered, since the group may have changed meanwhile. The node
    /// may be listed as a replica already: the migration's replication link to the old master announces it. Moving to
    /// where the master already is only forgets the replicas (see below).
    /// </summary>
    private RespValue HandleMoveMaster(IReadOnlyList<string> args)
    {
        if (Refusal(args, out var master, out var target) is { } refusal) return refusal;
        // Told twice, or told after adopting a moved peer's configuration by hello: the move is done, but adoption
        // carries the old nodes over as replicas, and they cannot follow this master.
        if (target.SameAs(master.Address))
        {
            if (master.Replicas.Count > 0) _masterSwitch.ResetAndChangeAddress(master, target, carryReplicas: false);
            _effects.RequestReportedPersist(RequestId);
            return RespValue.Ok;
        }
        long requestId = RequestId;
        _moveTargetCheck.Start(requestId, master, target, () => MoveWhenStillPossible(requestId, args));
        return AnswerLater;
    }

    /// <summary>The node answered role:master: the move, unless the checks now refuse it.</summary>
    private RespValue MoveWhenStillPossible(long requestId, IReadOnlyList<string> args)
    {
        if (Refusal(args, out var master, out var target) is { } refusal) return refusal;
        if (target.SameAs(master.Address))
        {
            if (master.Replicas.Count > 0) _masterSwitch.ResetAndChangeAddress(master, target, carryReplicas: false);
            _effects.RequestReportedPersist(requestId);
            return RespValue.Ok;
        }
        if (!EpochRules.TryNext(_epochs.Current, out long epoch)) return new RespError("ERR The current epoch cannot grow any more");

        _epochs.Current = epoch;
        _events.Raw(LogLevel.Warning, "+new-epoch", master, epoch.ToString(CultureInfo.InvariantCulture));
        master.ConfigEpoch = epoch;
        master.ConfigEpochForced = false;
        var from = master.Address;
        _effects.Log(LogLevel.Warning, $"Executing user requested MOVE-MASTER of '{master.Name}' to {args[2]}:{args[3]}");
        _masterSwitch.AnnounceSwitch(master, from, target);
        _masterSwitch.ResetAndChangeAddress(master, target, carryReplicas: false);
        _masterSwitch.RunClientReconfigScript(master, leader: true, from, master.Address);
        _effects.RequestReportedPersist(requestId);
        return RespValue.Ok;
    }

    /// <summary>Why the move cannot be made now, or null with the master and the node to move to.</summary>
    private RespError? Refusal(IReadOnlyList<string> args, out MasterRecord master, out InstanceAddress target)
    {
        master = null!;
        target = null!;
        if (FindMaster(args[1]) is not { } found) return Errors.NoSuchMaster;
        master = found;
        if (!RedisNumbers.TryParseStrict(args[3], out long port) || port is <= 0 or > 65535) return new RespError("ERR Invalid port");
        if (_resolver.Create(args[2], (int)port, acceptUnresolved: false, out _) is not { } address) return new RespError("ERR Invalid IP address or hostname specified");
        target = address;
        if (master.FailoverInProgress || master.ForcedFailoverDeferred || master.Switchover is not null)
        {
            return new RespError("INPROG Failover already in progress");
        }
        // In TILT this sentinel's timers cannot be trusted and it does not act; the caller retries or rolls back.
        if (_tilt.Active) return new RespError("ERR This sentinel is in TILT mode: the master is not moved now");
        return null;
    }
}
