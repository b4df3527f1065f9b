using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Links;

/// <summary>
/// The connections to one instance and the timers of its liveness. Data nodes own theirs (refcount 1) and need
/// a command and a pub/sub connection; a peer sentinel has one command connection shared by its records under
/// every master (refcount = number of records), so it gets one PING per period however many masters it watches.
/// </summary>
internal sealed class InstanceLink
{
    public InstanceLink(bool wantsPubSub, long nowMs)
    {
        WantsPubSub = wantsPubSub;
        ResetTimers(nowMs);
    }

    public bool WantsPubSub { get; }

    /// <summary>The records using this link: one for a data node, one per master for a peer sentinel.</summary>
    public List<InstanceRecord> Users { get; } = [];
    public int RefCount => Users.Count;

    public Connection? Command { get; set; }
    public Connection? PubSub { get; set; }

    /// <summary>Commands sent on the command connection whose replies are still owed.</summary>
    public int PendingCommands => Awaited.Count;
    public Queue<AwaitedReply> Awaited { get; } = new();

    public long PubSubLastActivityMs { get; set; }

    /// <summary>Last answer that proved the instance alive (see <see cref="PingReplies"/>).</summary>
    public long LastAvailableAtMs { get; set; }

    /// <summary>Send time of the oldest unanswered probe (a PING, or what stood for one); 0 when none is outstanding.</summary>
    public long ActivePingSentAtMs { get; set; }
    public long LastPingSentAtMs { get; set; }

    /// <summary>When the last PING itself (not a hello standing for one) was sent.</summary>
    public long LastActualPingSentAtMs { get; set; }

    /// <summary>The last PING got anything but a valid answer: until one does, no other probe's answer proves the instance alive.</summary>
    public bool PingRefused { get; set; }

    /// <summary>Last reply of any kind to a probe.</summary>
    public long LastPongAtMs { get; set; }

    /// <summary>
    /// Milliseconds from the oldest unanswered probe (for a fresh link: the connect that queued it) to a valid reply;
    /// -1 until one was measured. A round trip longer than a PING period includes the wait for the next PING.
    /// </summary>
    public long LastRoundTripMs { get; set; } = -1;
    /// <summary>
    /// When the links were last (re)opened; "long ago" until then, not zero: the host's clock may start near zero,
    /// and a first connection held back a ping period let a master go SDOWN before it was ever asked.
    /// </summary>
    public long LastReconnectAtMs { get; set; } = CoreClock.LongAgoMs;

    /// <summary>True while any required connection is missing or still connecting.</summary>
    public bool IsDisconnected => Command is not { IsUp: true } || (WantsPubSub && PubSub is not { IsUp: true });

    public string? CommandLocalIp => Command is { IsUp: true } c ? c.LocalIp : null;

    /// <summary>
    /// A fresh link counts as "PING outstanding since now", so an instance that never answers goes SDOWN after
    /// down-after even though no PING could be sent.
    /// </summary>
    public void ResetTimers(long nowMs)
    {
        ActivePingSentAtMs = nowMs;
        LastPingSentAtMs = 0;
        LastAvailableAtMs = nowMs;
        LastPongAtMs = nowMs;
    }
}
