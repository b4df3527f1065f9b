using System.Globalization;
using Vigil.Resp;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.Failover;
using Vigil.Sentinel.Monitoring;
using Vigil.Sentinel.State;
using Vigil.Sentinel.Text;

namespace Vigil.Sentinel.Commands;

// Subcommands that change what is monitored or how: MONITOR, REMOVE, RESET, FLUSHCONFIG, FAILOVER,
// SIMULATE-FAILURE, DEBUG. (SET and CONFIG live in SentinelSubcommands.Settings.cs.)
internal sealed partial class SentinelSubcommands
{
    /// <summary>
    /// Checks in the reference's order: quorum and port are integers, quorum ≥ 1, the host is an IP (or
    /// resolvable with resolve-hostnames), port in range, name unused. New masters take the DEBUG defaults.
    /// </summary>
    private RespValue HandleMonitor(IReadOnlyList<string> args)
    {
        string name = args[1], host = args[2];
        if (!RedisNumbers.TryParseStrict(args[4], out long quorum)) return new RespError("ERR Invalid quorum");
        if (!RedisNumbers.TryParseStrict(args[3], out long port)) return new RespError("ERR Invalid port");
        if (quorum <= 0) return new RespError("ERR Quorum must be 1 or greater.");
        if (_resolver.Resolve(host) is null) return new RespError("ERR Invalid IP address or hostname specified");

        var settings = new MasterSettings
        {
            Quorum = (int)Math.Min(quorum, int.MaxValue),
            DownAfterMs = _settings.Timings.DefaultDownAfterMs,
            FailoverTimeoutMs = _settings.Timings.DefaultFailoverTimeoutMs,
            ParallelSyncs = 1,
        };
        int portNumber = port is < int.MinValue or > int.MaxValue ? -1 : (int)port;
        var master = _topology.CreateMaster(name, host, portNumber, settings, out var error);
        if (master is null)
        {
            return new RespError(error switch
            {
                AddressError.InvalidPort => "ERR Invalid port number.",
                AddressError.Unresolvable => "ERR Can't resolve instance hostname.",
                _ => "ERR Duplicate master name.",
            });
        }

        // A name the config file also has keeps that file's lines as baseline, so a restart does not mistake
        // this runtime change for an operator edit; it is no longer "removed" either.
        master.ConfigBaseline = StateMerger.BaselineFromConfig(_settings.Config, name);
        _monitored.RemovedMasters.RemoveAll(r => r.Name == name);
        _effects.RequestReportedPersist(RequestId);
        _events.About(LogLevel.Warning, "+monitor", master, $" quorum {master.Settings.Quorum.ToString(CultureInfo.InvariantCulture)}");
        return RespValue.Ok;
    }

    private RespValue HandleRemove(IReadOnlyList<string> args)
    {
        if (FindMaster(args[1]) is not { } master) return Errors.NoSuchMaster;
        _events.About(LogLevel.Warning, "-monitor", master);
        _topology.RemoveMaster(master);
        if (master.ConfigBaseline is { } baseline && StateMerger.BaselineFromConfig(_settings.Config, master.Name) is not null)
        {
            _monitored.RemovedMasters.RemoveAll(r => r.Name == master.Name);
            _monitored.RemovedMasters.Add(new RemovedMaster { Name = master.Name, ConfigBaseline = baseline });
        }
        _effects.RequestReportedPersist(RequestId);
        return RespValue.Ok;
    }

    /// <summary>
    /// Case-sensitive glob over master names. The reference does not rewrite its config here, so a restart
    /// brings the forgotten nodes back; the state is saved at once instead.
    /// </summary>
    private RespValue HandleReset(IReadOnlyList<string> args)
    {
        int count = 0;
        foreach (var master in _monitored.Masters.Values.ToList())
        {
            if (!GlobPattern.IsMatch(args[1], master.Name, ignoreCase: false)) continue;
            _failover.SwitchIfPromoted(master);
            _topology.ResetMaster(master, keepPeers: false, generateEvent: true);
            count++;
        }
        if (count > 0) _effects.RequestPersist();
        return RespValue.Integer(count);
    }

    private RespValue HandleFlushConfig(IReadOnlyList<string> args)
    {
        _effects.RequestReportedPersist(RequestId);
        return RespValue.Ok;
    }

    /// <summary>
    /// compatibility-rules §7.2: a forced failover, no ODOWN and no election needed. With the master reachable it becomes a planned
    /// switchover that pauses writes until the chosen replica has them all (see docs/failover.md). In TILT it is
    /// accepted with the same replies and starts when TILT ends: the reference starts it at once (new epoch,
    /// +try-failover) and then leaves it waiting until TILT ends anyway, with nothing of it done in TILT.
    /// </summary>
    /// <summary>
    /// SENTINEL FAILOVER &lt;name&gt; [COORDINATED]. Without the option: a planned switchover when the master answers,
    /// else the reference's forced failover. COORDINATED (Valkey 9's option) allows only the planned switchover: it
    /// is refused while the master does not answer, and aborts, promoting nothing, if the master stops answering or
    /// refuses the write pause before the promotion.
    /// </summary>
    private RespValue HandleFailover(IReadOnlyList<string> args)
    {
        if (args.Count > 3) return Errors.WrongArity("sentinel|failover");
        bool coordinated = args.Count == 3;
        if (coordinated && !args[2].Equals("coordinated", StringComparison.OrdinalIgnoreCase)) return new RespError("ERR syntax error");
        if (FindMaster(args[1]) is not { } master) return Errors.NoSuchMaster;
        if (master.FailoverInProgress || master.ForcedFailoverDeferred) return new RespError("INPROG Failover already in progress");
        if (ReplicaSelector.Select(master, _clock.NowMs, _settings.Timings) is null)
        {
            return new RespError("NOGOODSLAVE No suitable replica to promote");
        }
        if (_tilt.Active)
        {
            _effects.Log(LogLevel.Warning, $"User requested FAILOVER of '{master.Name}' deferred until TILT mode ends");
            master.ForcedFailoverDeferred = true;
            master.DeferredFailoverCoordinated = coordinated;
            return RespValue.Ok;
        }
        if (coordinated && !PlannedSwitchover.CanPlan(master))
        {
            return new RespError("ERR A coordinated failover needs a master that answers and reports role:master");
        }
        _failover.StartForced(master, coordinated);
        return RespValue.Ok;
    }

    /// <summary>Flags are cleared, then set left to right: a bad later option leaves earlier ones set.</summary>
    private RespValue HandleSimulateFailure(IReadOnlyList<string> args)
    {
        _effects.SimulateFailureFlags = 0;
        foreach (string option in args.Skip(1))
        {
            if (option.Equals("crash-after-election", StringComparison.OrdinalIgnoreCase))
            {
                _effects.SimulateFailureFlags |= SimulatedFailure.CrashAfterElection;
                _effects.Log(LogLevel.Warning, "Failure simulation: this Sentinel will crash after being successfully elected as failover leader");
            }
            else if (option.Equals("crash-after-promotion", StringComparison.OrdinalIgnoreCase))
            {
                _effects.SimulateFailureFlags |= SimulatedFailure.CrashAfterPromotion;
                _effects.Log(LogLevel.Warning, "Failure simulation: this Sentinel will crash after promoting the selected replica to master");
            }
            else if (option.Equals("help", StringComparison.OrdinalIgnoreCase))
            {
                return RespValue.Array(RespValue.Bulk("crash-after-election"), RespValue.Bulk("crash-after-promotion"));
            }
            else
            {
                return new RespError("ERR Unknown failure simulation specified");
            }
        }
        return RespValue.Ok;
    }

    /// <summary>No arguments: the 13 timing parameters. Else option/value pairs, applied until the first error.</summary>
    private RespValue HandleDebug(IReadOnlyList<string> args)
    {
        if (args.Count == 1)
        {
            return new RespMap(SentinelTimings.Parameters
                .Select(p => new KeyValuePair<RespValue, RespValue>(RespValue.Bulk(p.DisplayName), RespValue.Bulk(p.Get(_settings.Timings))))
                .ToList());
        }
        for (int j = 1; j < args.Count; j++)
        {
            string option = args[j];
            bool hasValue = j + 1 < args.Count;
            var parameter = SentinelTimings.Parameters.FirstOrDefault(p => p.Option.Equals(option, StringComparison.OrdinalIgnoreCase));
            if (parameter is null || !hasValue)
            {
                return new RespError($"ERR Unknown option or number of arguments for SENTINEL DEBUG '{option}'");
            }
            string value = args[++j];
            if (!RedisNumbers.TryParseStrict(value, out long number) || number <= 0)
            {
                return new RespError($"ERR Invalid argument '{value}' for SENTINEL DEBUG '{option}'");
            }
            parameter.Set(_settings.Timings, number);
        }
        return RespValue.Ok;
    }
}
