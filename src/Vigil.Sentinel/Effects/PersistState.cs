using Vigil.Sentinel.State;

namespace Vigil.Sentinel;

/// <summary>
/// Replace the state file with <paramref name="State"/> (atomically), then feed <see cref="StateSaved"/> with
/// <paramref name="Seq"/>. Only the latest one matters: a host may skip an older save that a newer one replaces, and
/// answer both with the newer one's number. Numbers grow by one per save.
/// </summary>
public sealed record PersistState(SentinelState State, long Seq) : Effect;
