namespace Vigil.Sentinel.Fencing;

/// <summary>
/// The master's answer to the fence's acknowledgement probe (<c>WAIT 1</c>): whether any replica acknowledged the
/// probe's write within <c>Limits.FenceProbeTimeoutMs</c>, and when the probe was sent and answered.
/// </summary>
internal readonly record struct ProbeAnswer(long SentAtMs, long AnsweredAtMs, bool ReplicaAcknowledged);
