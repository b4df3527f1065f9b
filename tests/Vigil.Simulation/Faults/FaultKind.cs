namespace Vigil.Simulation.Faults;

/// <summary>Every fault the world can inject.</summary>
internal enum FaultKind
{
    ConnectionReset,
    HostResetStorm,
    IsolateHost,
    SplitNetwork,
    OneWayPartition,
    SlowLinks,
    RedisCrash,
    RedisFreeze,
    RedisBusyScript,
    RedisSlowLoading,
    SentinelCrash,
    SentinelPause,
    ClockJump,
    ClockDrift,
    OperatorFailover,
    OperatorReset,
    OperatorSet,
    OperatorRemoveMonitor,
    OperatorSimulateFailure,
    ForeignElection,
}
