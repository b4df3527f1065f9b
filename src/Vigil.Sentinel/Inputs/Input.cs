namespace Vigil.Sentinel;

/// <summary>
/// Something that happened to the sentinel, fed to <see cref="SentinelCore.Handle"/>. Every input carries the
/// monotonic time (milliseconds) at which the host observed it; the core never reads a clock.
/// </summary>
public abstract record Input(long NowMs);
