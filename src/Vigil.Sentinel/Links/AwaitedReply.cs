using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Links;

/// <summary>A reply the command connection still owes, and the record that asked (several share a peer link).</summary>
internal readonly record struct AwaitedReply(ReplyKind Kind, InstanceRecord Owner);
