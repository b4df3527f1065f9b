using System.Globalization;
using Vigil.Sentinel.Links;
using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Failover;

/// <summary>
/// The reconfiguration transaction (compatibility-rules §7.4), for promotion (<c>SLAVEOF NO ONE</c>) and for every replica move:
/// <c>MULTI, SLAVEOF, CONFIG REWRITE, CLIENT KILL TYPE normal, CLIENT KILL TYPE pubsub, EXEC</c>. The kills make
/// clients reconnect and ask the sentinels again; clients depend on them. Replies are discarded: the effect is
/// observed in the next INFO.
/// </summary>
internal static class SlaveofTransaction
{
    /// <summary>Sends it to <paramref name="node"/>; <paramref name="target"/> null means <c>SLAVEOF NO ONE</c>. False if the command connection is not up.</summary>
    public static bool Send(LinkManager links, DataNodeRecord node, InstanceAddress? target, bool announceHostnames)
    {
        if (node.Link.Command is not { IsUp: true }) return false;
        string host = target is null ? "NO" : target.Announced(announceHostnames);
        string port = target is null ? "ONE" : target.Port.ToString(CultureInfo.InvariantCulture);
        links.Send(node, ReplyKind.Discard, "MULTI");
        links.Send(node, ReplyKind.Discard, "SLAVEOF", host, port);
        links.Send(node, ReplyKind.Discard, "CONFIG", "REWRITE");
        links.Send(node, ReplyKind.Discard, "CLIENT", "KILL", "TYPE", "normal");
        links.Send(node, ReplyKind.Discard, "CLIENT", "KILL", "TYPE", "pubsub");
        links.Send(node, ReplyKind.Discard, "EXEC");
        return true;
    }
}
