using System.Globalization;
using Vigil.Resp;
using Vigil.Sentinel.Monitoring;
using Vigil.Sentinel.Text;

namespace Vigil.Sentinel.Commands;

// Read-only subcommands: MASTERS, MASTER, REPLICAS/SLAVES, SENTINELS, GET-MASTER-ADDR-BY-NAME, INFO-CACHE,
// CKQUORUM, MYID, PENDING-SCRIPTS, HELP, IS-MASTER-DOWN-BY-ADDR.
internal sealed partial class SentinelSubcommands
{
    private RespValue Describe(InstanceRecord record) =>
        InstanceObjects.Describe(record, _clock.NowMs, _settings.AnnounceHostnames);

    private RespValue HandleMasters(IReadOnlyList<string> args) =>
        new RespArray(_monitored.Masters.Values.Select(Describe).ToList());

    private RespValue HandleMaster(IReadOnlyList<string> args) =>
        FindMaster(args[1]) is { } master ? Describe(master) : Errors.NoSuchMaster;

    /// <summary>Replicas that asked not to be announced (<c>replica-announced:0</c>) are left out here only.</summary>
    private RespValue HandleReplicas(IReadOnlyList<string> args)
    {
        if (FindMaster(args[1]) is not { } master) return Errors.NoSuchMaster;
        return new RespArray(master.Replicas.Values.Where(r => r.ReplicaAnnounced != 0).Select(Describe).ToList());
    }

    private RespValue HandleSentinels(IReadOnlyList<string> args)
    {
        if (FindMaster(args[1]) is not { } master) return Errors.NoSuchMaster;
        return new RespArray(master.Peers.Values.Select(Describe).ToList());
    }

    /// <summary>The address clients should use (the promoted replica's from reconf_slaves on); both bulk.</summary>
    private RespValue HandleGetMasterAddrByName(IReadOnlyList<string> args)
    {
        if (FindMaster(args[1]) is not { } master) return new RespNull { IsNullArray = true };
        var address = master.CurrentAddress;
        return RespValue.Array(RespValue.Bulk(address.Announced(_settings.AnnounceHostnames)), RespValue.Bulk(address.Port));
    }

    /// <summary>
    /// <c>[name, [[age, info], ...], ...]</c> for each named master (unknown ones skipped, duplicates once): the
    /// master's cached INFO then each replica's, ages in ms (0 = never). The reference tests the master's refresh
    /// time for a replica's age, so a replica without INFO shows the whole clock value; here each uses its own.
    /// </summary>
    private RespValue HandleInfoCache(IReadOnlyList<string> args)
    {
        long now = _clock.NowMs;
        var selected = new List<MasterRecord>();
        foreach (string name in args.Skip(1))
        {
            if (FindMaster(name) is { } master && !selected.Contains(master)) selected.Add(master);
        }
        var reply = new List<RespValue>();
        foreach (var master in selected)
        {
            reply.Add(RespValue.Bulk(master.Name));
            var entries = new List<RespValue> { CacheEntry(master.InfoRefreshedAtMs != 0 ? now - master.InfoRefreshedAtMs : 0, master.LastInfo.ToArray()) };
            foreach (var replica in master.Replicas.Values)
            {
                entries.Add(CacheEntry(replica.InfoRefreshedAtMs != 0 ? now - replica.InfoRefreshedAtMs : 0, replica.LastInfo.ToArray()));
            }
            reply.Add(new RespArray(entries));
        }
        return new RespArray(reply);
    }

    private static RespValue CacheEntry(long ageMs, byte[]? info) =>
        RespValue.Array(RespValue.Integer(ageMs), info is null ? RespValue.NullValue : new RespBulkString(info));

    /// <summary>
    /// usable = this sentinel + peers not SDOWN/ODOWN; quorum needs usable ≥ quorum, authorisation needs a
    /// majority of every sentinel known (voters = peers + 1).
    /// </summary>
    private RespValue HandleCkQuorum(IReadOnlyList<string> args)
    {
        if (FindMaster(args[1]) is not { } master) return Errors.NoSuchMaster;
        int usable = 1 + master.Peers.Values.Count(p => !p.IsSubjectivelyDown);
        int voters = master.Peers.Count + 1;
        bool noQuorum = usable < master.Settings.Quorum;
        bool noAuthorisation = usable < voters / 2 + 1;
        string usableText = usable.ToString(CultureInfo.InvariantCulture);
        if (!noQuorum && !noAuthorisation)
        {
            return new RespSimpleString($"OK {usableText} usable Sentinels. Quorum and failover authorization can be reached");
        }
        var reasons = new List<string>(2);
        if (noQuorum) reasons.Add("Not enough available Sentinels to reach the specified quorum for this master");
        if (noAuthorisation) reasons.Add("Not enough available Sentinels to reach the majority and authorize a failover");
        return new RespError($"NOQUORUM {usableText} usable Sentinels. {string.Join(". ", reasons)}");
    }

    private RespValue HandleMyId(IReadOnlyList<string> args) => RespValue.Bulk(_monitored.MyId);

    private RespValue HandlePendingScripts(IReadOnlyList<string> args) => _scripts.Describe();

    private RespValue HandleHelp(IReadOnlyList<string> args) =>
        new RespArray(HelpText.Lines.Select(line => (RespValue)new RespSimpleString(line)).ToList());

    /// <summary>
    /// compatibility-rules §5.3: <c>[down, leader, leader-epoch]</c>. The master is found by address. "down" is 1 only for a known
    /// master that is SDOWN here, outside TILT. A run id other than "*" asks for our vote in that epoch; voting
    /// ignores our own view of the master. Unlike the reference, a vote is given only to an admitted peer of that
    /// master (see <c>PeerAdmission</c>), only for a plausible epoch (<see cref="Election.EpochRules"/>: a negative one
    /// would wrap to a huge unsigned one in the reference), and not in TILT (our timing is not to be trusted then,
    /// compatibility-rules §13.6). Otherwise the answer carries the vote already held, which cannot elect the asker in a new epoch.
    /// </summary>
    private RespValue HandleIsMasterDownByAddr(IReadOnlyList<string> args)
    {
        if (!RedisNumbers.TryParseStrict(args[2], out long port) || !RedisNumbers.TryParseStrict(args[3], out long epoch))
        {
            return Errors.NotAnInteger;
        }
        var master = port is >= 0 and <= 65535 ? _topology.FindMasterByAddress(args[1], (int)port) : null;
        AskedAbout = master;
        bool down = !_tilt.Active && master is { IsSubjectivelyDown: true };
        if (down && args[4] == "*") master!.AskBackRequested = true;

        string? leader = null;
        long leaderEpoch = 0;
        if (master is not null && args[4] != "*")
        {
            (leader, leaderEpoch) = (master.Leader, master.LeaderEpoch);
            if (!_tilt.Active && MayVoteFor(master, args[4], epoch)) (leader, leaderEpoch) = _vote.Vote(master, epoch, args[4]);
        }
        return RespValue.Array(RespValue.Integer(down ? 1 : 0), RespValue.Bulk(leader ?? "*"), RespValue.Integer(leaderEpoch));
    }

    private bool MayVoteFor(MasterRecord master, string runId, long epoch)
    {
        if (!master.Peers.ContainsKey(runId))
        {
            _effects.Log(Config.LogLevel.Verbose, $"No vote for {runId} in '{master.Name}': not an admitted sentinel of this master");
            return false;
        }
        // A candidate of this epoch whose own vote is not open yet (see FailoverMachine.SelfVoteOpen) keeps it for a
        // lower run id: two such candidates asking each other would otherwise split the votes between them.
        if (master.Failover is { SelfVoteOpen: false } run && run.Epoch == epoch
            && Election.RunIdOrder.SortsBefore(_monitored.MyId, runId))
        {
            _effects.Log(Config.LogLevel.Verbose, $"No vote for {runId} in '{master.Name}' yet: a candidate myself, I keep my vote for a lower run id");
            return false;
        }
        return Election.EpochRules.Accepts(_effects, _epochs, epoch, $"the vote request of sentinel {runId} for '{master.Name}'");
    }
}
