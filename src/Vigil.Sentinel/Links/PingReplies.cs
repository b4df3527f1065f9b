using Vigil.Resp;
using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Links;

/// <summary>
/// What a PING reply proves (compatibility-rules §1.6): PONG, LOADING and
/// MASTERDOWN prove the instance alive; any reply proves the link alive. A BUSY reply from an SDOWN instance earns
/// one SCRIPT KILL.
/// </summary>
internal sealed class PingReplies(CoreClock clock, LinkManager links)
{
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
            if (text.StartsWith("PONG", StringComparison.Ordinal)
                || text.StartsWith("LOADING", StringComparison.Ordinal)
                || text.StartsWith("MASTERDOWN", StringComparison.Ordinal))
            {
                if (link.ActivePingSentAtMs != 0 && link.LastPingSentAtMs != 0) link.LastRoundTripMs = clock.NowMs - link.ActivePingSentAtMs;
                link.LastAvailableAtMs = clock.NowMs;
                link.ActivePingSentAtMs = 0;
                if (record is MasterRecord { RebootDetected: true } master && text.StartsWith("PONG", StringComparison.Ordinal))
                {
                    master.RebootDetected = false;
                }
            }
            else if (text.StartsWith("BUSY", StringComparison.Ordinal)
                     && record is DataNodeRecord { IsSubjectivelyDown: true, ScriptKillSent: false } node)
            {
                links.Send(node, ReplyKind.Discard, "SCRIPT", "KILL");
                node.ScriptKillSent = true;
            }
        }
        link.LastPongAtMs = clock.NowMs;
    }
}
