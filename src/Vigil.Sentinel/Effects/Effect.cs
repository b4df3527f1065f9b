namespace Vigil.Sentinel;

/// <summary>Something the host must do on the core's behalf. Drained with <see cref="SentinelCore.TryDequeueEffect"/>.</summary>
public abstract record Effect;
