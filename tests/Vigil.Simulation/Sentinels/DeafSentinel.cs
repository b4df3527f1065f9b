using System.Diagnostics.CodeAnalysis;
using Vigil.Resp;
using Vigil.Sentinel;
using Vigil.Sentinel.State;

namespace Vigil.Simulation.Sentinels;

/// <summary>
/// A deliberately broken sentinel for testing the liveness check: a real core that never hears a hello (pub/sub
/// messages and PUBLISH to it are dropped), so it never learns its peers.
/// </summary>
internal sealed class DeafSentinel(ISentinelProcess inner) : ISentinelProcess
{
    public string MyId => inner.MyId;
    public long NextWakeMs => inner.NextWakeMs;
    public SentinelState State => inner.State;
    public bool TryDequeueEffect([NotNullWhen(true)] out Effect? effect) => inner.TryDequeueEffect(out effect);
    public RespValue ExecuteSentinel(IReadOnlyList<byte[]> args, long nowMs) => inner.ExecuteSentinel(args, nowMs);
    public RespValue AcceptHelloPublish(string payload, long nowMs) => RespValue.Integer(1);

    public void Handle(Input input)
    {
        if (input is LinkReply { Reply: RespArray { Items: [RespBulkString { Text: "message" }, _, _] } }) return;
        inner.Handle(input);
    }
}
