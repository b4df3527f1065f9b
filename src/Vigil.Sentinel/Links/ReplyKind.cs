namespace Vigil.Sentinel.Links;

/// <summary>What a command reply is for; decides which handler reads it.</summary>
internal enum ReplyKind
{
    Discard,
    Ping,
    Info,
    Publish,
    IsMasterDown,
    /// <summary>A peer's answer to SENTINEL GET-MASTER-ADDR-BY-NAME (checking a configuration it announced).</summary>
    MasterAddress,
    /// <summary>A claimed peer's answer to SENTINEL MYID: it must be the run id its hello named.</summary>
    PeerIdentity,
    /// <summary>A claimed peer's answer to SENTINEL GET-MASTER-ADDR-BY-NAME: it must watch the master its hello named.</summary>
    PeerWatchesMaster,
    /// <summary>The master's answer to CLIENT PAUSE at the start of a planned switchover.</summary>
    SwitchoverPause,
    /// <summary>The master's INFO sent right after CLIENT PAUSE: its final replication offset.</summary>
    SwitchoverOffset,
    /// <summary>The master's answer to CLIENT PAUSE sent to fence its writes.</summary>
    FencePause,
    /// <summary>A peer's answer to GET-MASTER-ADDR-BY-NAME asked by a fenced master's sentinel before lifting the fence.</summary>
    FenceConfirm,
    /// <summary>The master's answer to the PUBLISH that opens the fence's probe: an error means it cannot be probed.</summary>
    FenceProbePublish,
    /// <summary>The master's answer to the fence's <c>WAIT 1</c> probe: how many replicas acknowledged in time.</summary>
    FenceProbe,
}
