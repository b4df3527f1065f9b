using Vigil.Resp;
using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Links;

/// <summary>
/// What the answer to a probe proves (compatibility-rules §1.6). A PING's PONG, LOADING and MASTERDOWN prove the
/// instance alive; any reply proves the link alive. A BUSY reply from an SDOWN instance earns one SCRIPT KILL.
/// </summary>
/// <remarks>
/// A master or replica is also sent our hello, and a live instance answers it as it answers a PING: so a hello is a
/// probe too, and the PING of its slot is not sent. On a sentinel watching many masters this saves a PING exchange
/// for every hello (the reference sends both), and the silence still counts from the first unanswered probe. But an
/// instance can refuse PING while it still runs PUBLISH (a master that cannot write its snapshot answers PING with
/// -MISCONF; an ACL may deny PING), and the reference flags it SDOWN. So a hello stands for a PING only when the probe
/// before it was a PING (a PING goes out at least every other slot), and once a PING got anything but a valid answer,
/// no hello proves the instance alive or stands for a PING until a PING is answered again. INFO is never a probe: it
/// is polled every slot during a failover or a fence, which would leave no slot for a PING. Peers keep their own
/// PINGs: their links are scheduled apart (<c>PeerLinkSchedule</c>).
/// </remarks>
internal sealed class PingReplies(CoreClock clock, LinkManager links)
{
    /// <summary>Whether sending this command counts as the slot's probe (see the remarks).</summary>
    public static bool IsProbe(ReplyKind kind, InstanceRecord record) =>
        kind == ReplyKind.Ping
        || (kind == ReplyKind.Publish && record is DataNodeRecord && !record.Link.PingRefused
            && record.Link.LastActualPingSentAtMs == record.Link.LastPingSentAtMs);

    public void Apply(InstanceRecord record, RespValue reply)
    {
        var link = record.Link;
        string? text = reply switch
        {
            RespSimpleString status => status.Text,
            RespError error => error.Text,
            _ => null,
        };
        if (text is not null)
        {
            if (text.StartsWith("PONG", StringComparison.Ordinal) || ProvesAliveDespiteError(text))
            {
                link.PingRefused = false;
                MarkAlive(link);
                if (record is MasterRecord { RebootDetected: true } master && text.StartsWith("PONG", StringComparison.Ordinal))
                {
                    master.RebootDetected = false;
                }
            }
            else
            {
                link.PingRefused = true;
                if (text.StartsWith("BUSY", StringComparison.Ordinal)
                    && record is DataNodeRecord { IsSubjectivelyDown: true, ScriptKillSent: false } node)
                {
                    links.Send(node, ReplyKind.Discard, "SCRIPT", "KILL");
                    node.ScriptKillSent = true;
                }
            }
        }
        else
        {
            link.PingRefused = true;
        }
        link.LastPongAtMs = clock.NowMs;
    }

    /// <summary>
    /// The answer to a hello that was its slot's probe (<see cref="IsProbe"/>): any reply but an error proves the
    /// instance alive, unless its last PING was refused.
    /// </summary>
    public void ApplyProbe(DataNodeRecord node, RespValue reply)
    {
        var link = node.Link;
        if (!link.PingRefused && (reply is not RespError error || ProvesAliveDespiteError(error.Text))) MarkAlive(link);
        link.LastPongAtMs = clock.NowMs;
    }

    private static bool ProvesAliveDespiteError(string text) =>
        text.StartsWith("LOADING", StringComparison.Ordinal) || text.StartsWith("MASTERDOWN", StringComparison.Ordinal);

    private void MarkAlive(InstanceLink link)
    {
        if (link.ActivePingSentAtMs != 0 && link.LastPingSentAtMs != 0) link.LastRoundTripMs = clock.NowMs - link.ActivePingSentAtMs;
        link.LastAvailableAtMs = clock.NowMs;
        link.ActivePingSentAtMs = 0;
    }
}
