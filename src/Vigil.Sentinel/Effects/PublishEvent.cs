namespace Vigil.Sentinel;

/// <summary>Deliver <paramref name="Message"/> on <paramref name="Channel"/> to this sentinel's own pub/sub subscribers.</summary>
public sealed record PublishEvent(string Channel, string Message) : Effect;
