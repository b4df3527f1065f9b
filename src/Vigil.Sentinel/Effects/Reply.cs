using Vigil.Resp;

namespace Vigil.Sentinel;

/// <summary>The answer to the <see cref="ClientRequest"/> numbered <paramref name="RequestId"/>, to be sent to its client.</summary>
public sealed record Reply(long RequestId, RespValue Value) : Effect;

/// <summary>The answer to an <see cref="ObserveRequest"/>: immutable data a host can hand to other threads.</summary>
public sealed record ObservationReply(long RequestId, Observation.SentinelObservation Observation) : Effect;
