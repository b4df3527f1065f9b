using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Links;

/// <summary>
/// A reply the command connection still owes, the record that asked (several share a peer link), when it was asked
/// and, for a question about a master, the address it named: an answer describes that address as it was at some time
/// between the question and the answer, however late the answer comes. <paramref name="Probe"/>: the command stood for
/// its slot's PING (<see cref="PingReplies.IsProbe"/>), so only its answer, not that of a hello sent beside a PING,
/// proves the instance alive.
/// </summary>
internal readonly record struct AwaitedReply(ReplyKind Kind, InstanceRecord Owner, long SentAtMs, InstanceAddress? About = null, bool Probe = false);
