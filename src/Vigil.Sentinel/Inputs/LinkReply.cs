using Vigil.Resp;

namespace Vigil.Sentinel;

/// <summary>
/// One reply read from a link, in the order the link delivered them. On a pub/sub link every pushed message
/// (<c>["subscribe", ...]</c>, <c>["message", channel, payload]</c>) arrives as one reply.
/// </summary>
public sealed record LinkReply(long NowMs, LinkId Link, RespValue Reply) : Input(NowMs);
