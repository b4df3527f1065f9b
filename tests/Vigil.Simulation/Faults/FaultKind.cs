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

    /// <summary>Forged hellos and vote requests from an attacker who runs no sentinel (see <c>HelloForger</c>).</summary>
    ForgedHello,

    /// <summary>A sentinel killed at its next save, after the core asked for it and before it is written; restarted later.</summary>
    SentinelKillAtSave,
}
