using Vigil.Sentinel.State;

namespace Vigil.Sentinel;

/// <summary>Replace the state file with <paramref name="State"/> (atomically). Only the latest one matters.</summary>
public sealed record PersistState(SentinelState State) : Effect;
