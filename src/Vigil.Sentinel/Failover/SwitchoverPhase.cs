namespace Vigil.Sentinel.Failover;

/// <summary>Steps of a planned switchover, all inside the reference's <c>send_slaveof_noone</c> state.</summary>
internal enum SwitchoverPhase
{
    /// <summary>Not started yet: the next step sends CLIENT PAUSE to the master.</summary>
    Pending,
    /// <summary>CLIENT PAUSE and INFO sent to the master; waiting for the INFO that follows the pause.</summary>
    ReadingOffset,
    /// <summary>The master's final offset is known; polling the chosen replica until it has it all.</summary>
    CatchingUp,
    /// <summary>The replica has every write the master acknowledged: promote it.</summary>
    CaughtUp,
    /// <summary>The master refused CLIENT PAUSE during a coordinated failover: abort, promote nothing.</summary>
    Refused,
}
