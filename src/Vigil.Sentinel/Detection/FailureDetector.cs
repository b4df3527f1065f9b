using Vigil.Sentinel.Config;
using Vigil.Sentinel.Events;
using Vigil.Sentinel.Links;
using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Detection;

/// <summary>
/// SDOWN for every record and ODOWN for masters (compatibility-rules §5.1, §5.2), plus the link-health rules that drop connections
/// which look alive but are not (compatibility-rules §1.4). Each rule also says when it will next change its mind, so the core can
/// sleep exactly until then.
/// </summary>
internal sealed class FailureDetector(CoreSettings settings, CoreClock clock, LinkManager links, EventEmitter events)
{
    public void CheckSubjectivelyDown(InstanceRecord record)
    {
        CheckLinkHealth(record);
        bool down = IsSubjectivelyDownNow(record, clock.NowMs);
        if (down && !record.IsSubjectivelyDown)
        {
            events.About(LogLevel.Warning, "+sdown", record);
            record.SubjectivelyDownSinceMs = clock.NowMs;
            record.IsSubjectivelyDown = true;
        }
        else if (!down && record.IsSubjectivelyDown)
        {
            events.About(LogLevel.Warning, "-sdown", record);
            record.IsSubjectivelyDown = false;
            if (record is DataNodeRecord node) node.ScriptKillSent = false;
        }
    }

    /// <summary>
    /// Silent for longer than down-after (counted from the oldest unanswered PING, or from the last valid reply
    /// while disconnected); or a master reporting role:slave for too long; or a rebooted master stuck past
    /// master-reboot-down-after-period.
    /// </summary>
    public bool IsSubjectivelyDownNow(InstanceRecord record, long now)
    {
        var link = record.Link;
        long elapsed = 0;
        if (link.ActivePingSentAtMs != 0) elapsed = now - link.ActivePingSentAtMs;
        else if (link.IsDisconnected) elapsed = now - link.LastAvailableAtMs;
        if (elapsed > record.DownAfterMs) return true;
        if (record is MasterRecord master)
        {
            if (master.RoleReported == ReportedRole.Slave && now - master.RoleReportedAtMs > MasterReportsReplicaLimitMs(master)) return true;
            if (master.RebootDetected && now - master.RebootDetectedAtMs > master.Settings.MasterRebootDownAfterPeriodMs) return true;
        }
        return false;
    }

    private long MasterReportsReplicaLimitMs(MasterRecord master) =>
        master.DownAfterMs + Limits.MasterReportsReplicaInfoPeriods * settings.Timings.InfoPeriodMs;

    /// <summary>
    /// The shortest time a PING can go unanswered before <see cref="CheckSubjectivelyDown"/> may act on it for this
    /// record: the health check's half down-after (SDOWN comes at down-after).
    /// </summary>
    public static long ShortestSilenceMs(InstanceRecord record) => record.DownAfterMs / 2;

    /// <summary>
    /// When <see cref="CheckSubjectivelyDown"/> will next change something for this record; without the link-health
    /// check when <paramref name="withLinkHealth"/> is false (a peer's link is checked per link, see <c>PeerLinkSchedule</c>).
    /// </summary>
    public long SubjectiveDueAt(InstanceRecord record, long now, bool withLinkHealth = true)
    {
        long due = withLinkHealth ? LinkHealthDueAt(record) : long.MaxValue;
        bool downNow = IsSubjectivelyDownNow(record, now);
        if (downNow != record.IsSubjectivelyDown) return now;
        if (downNow) return due; // only a reply (an input) can end it
        var link = record.Link;
        if (link.ActivePingSentAtMs != 0) due = Math.Min(due, link.ActivePingSentAtMs + record.DownAfterMs + 1);
        else if (link.IsDisconnected) due = Math.Min(due, link.LastAvailableAtMs + record.DownAfterMs + 1);
        if (record is MasterRecord master)
        {
            if (master.RoleReported == ReportedRole.Slave) due = Math.Min(due, master.RoleReportedAtMs + MasterReportsReplicaLimitMs(master) + 1);
            if (master.RebootDetected) due = Math.Min(due, master.RebootDetectedAtMs + master.Settings.MasterRebootDownAfterPeriodMs + 1);
        }
        return due;
    }

    /// <summary>
    /// Close the command connection if it is older than min-link-reconnect-period, a PING is outstanding, and
    /// neither that PING nor any reply happened within down-after/2; close the pub/sub connection if it is that
    /// old and silent for three publish periods (healthy ones hear every hello, ours included, every 2 s). A
    /// connection the host has not managed to establish within min-link-reconnect-period is dropped too.
    /// </summary>
    private void CheckLinkHealth(InstanceRecord record)
    {
        long now = clock.NowMs;
        var link = record.Link;
        if (link.Command is { } command && now >= CommandCloseDueAt(record, command)) links.CloseCommandConnection(link);
        if (link.PubSub is { } pubsub && now >= PubSubCloseDueAt(pubsub)) links.ClosePubSubConnection(link);
    }

    /// <summary>When <see cref="CheckSubjectivelyDown"/> next closes one of the record's connections as unhealthy.</summary>
    public long LinkHealthDueAt(InstanceRecord record)
    {
        var link = record.Link;
        long due = long.MaxValue;
        if (link.Command is { } command) due = Math.Min(due, CommandCloseDueAt(record, command));
        if (link.PubSub is { } pubsub) due = Math.Min(due, PubSubCloseDueAt(pubsub));
        return due;
    }

    private long CommandCloseDueAt(InstanceRecord record, Connection command)
    {
        long minAge = command.OpenedAtMs + settings.Timings.MinLinkReconnectPeriodMs + 1;
        if (!command.IsUp) return minAge;
        var link = record.Link;
        if (link.ActivePingSentAtMs == 0) return long.MaxValue;
        long halfDownAfter = record.DownAfterMs / 2;
        return Math.Max(minAge, Math.Max(link.ActivePingSentAtMs + halfDownAfter + 1, link.LastPongAtMs + halfDownAfter + 1));
    }

    private long PubSubCloseDueAt(Connection pubsub)
    {
        long minAge = pubsub.OpenedAtMs + settings.Timings.MinLinkReconnectPeriodMs + 1;
        if (!pubsub.IsUp) return minAge;
        return Math.Max(minAge, pubsub.Owner.PubSubLastActivityMs + 3 * settings.Timings.PublishPeriodMs + 1);
    }

    /// <summary>ODOWN: SDOWN here and at least quorum sentinels (this one included) say it is down.</summary>
    public void CheckObjectivelyDown(MasterRecord master)
    {
        int votes = DownVotes(master);
        bool odown = master.IsSubjectivelyDown && votes >= master.Settings.Quorum;
        if (odown && !master.IsObjectivelyDown)
        {
            events.About(LogLevel.Warning, "+odown", master, $" #quorum {votes}/{master.Settings.Quorum}");
            master.IsObjectivelyDown = true;
            master.ObjectivelyDownSinceMs = clock.NowMs;
        }
        else if (!odown && master.IsObjectivelyDown)
        {
            events.About(LogLevel.Warning, "-odown", master);
            master.IsObjectivelyDown = false;
        }
    }

    public bool ObjectiveStateIsStale(MasterRecord master) =>
        (master.IsSubjectivelyDown && DownVotes(master) >= master.Settings.Quorum) != master.IsObjectivelyDown;

    private int DownVotes(MasterRecord master)
    {
        int votes = 1;
        foreach (var peer in master.Peers.Values)
        {
            if (peer.SaysMasterDown && peer.AnswerIsFresh(clock.NowMs, settings.Timings.AskPeriodMs)) votes++;
        }
        return votes;
    }
}
