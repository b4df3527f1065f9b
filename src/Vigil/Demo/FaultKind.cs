namespace Vigil.Demo;

/// <summary>The failure the demo injects into the master.</summary>
internal enum FaultKind
{
    /// <summary><c>DEBUG SLEEP</c>: the master stops answering, then wakes up and must rejoin as a replica.</summary>
    Sleep,

    /// <summary><c>kill -9</c>: the master process dies; the demo restarts it after the failover.</summary>
    Kill,

    /// <summary><c>SENTINEL FAILOVER</c>: a planned switchover while the master is healthy.</summary>
    Switchover,
}
