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
    private readonly Queue<Effect> _ownReplies = new();

    public bool TryDequeueEffect([NotNullWhen(true)] out Effect? effect) =>
        inner.TryDequeueEffect(out effect) || _ownReplies.TryDequeue(out effect);

    public void Handle(Input input)
    {
        if (input is LinkReply { Reply: RespArray { Items: [RespBulkString { Text: "message" }, _, _] } }) return;
        if (input is HelloPublished hello)
        {
            _ownReplies.Enqueue(new Reply(hello.RequestId, RespValue.Integer(1)));
            return;
        }
        inner.Handle(input);
    }
}
