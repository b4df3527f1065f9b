using System.Diagnostics.CodeAnalysis;
using System.Text;
using Vigil.Resp;
using Vigil.Sentinel;
using Vigil.Sentinel.State;

namespace Vigil.Simulation.Sentinels;

/// <summary>
/// A deliberately broken sentinel for testing the checker: a real core whose answers to
/// <c>SENTINEL is-master-down-by-addr</c> vote requests are rewritten to tell every candidate "I voted for you",
/// i.e. a second, different vote in an epoch where it already voted. Everything else passes through.
/// </summary>
internal sealed class EquivocatingSentinel(ISentinelProcess inner) : ISentinelProcess
{
    public string MyId => inner.MyId;
    public long NextWakeMs => inner.NextWakeMs;
    public SentinelState State => inner.State;
    public int Equivocations { get; private set; }
    private readonly Dictionary<long, string> _candidates = [];

    public void Handle(Input input)
    {
        if (input is SentinelRequest { Args: { Count: 5 } args } request
            && Encoding.UTF8.GetString(args[0]).Equals("is-master-down-by-addr", StringComparison.OrdinalIgnoreCase))
        {
            _candidates[request.RequestId] = Encoding.UTF8.GetString(args[4]);
        }
        inner.Handle(input);
    }

    public bool TryDequeueEffect([NotNullWhen(true)] out Effect? effect)
    {
        if (!inner.TryDequeueEffect(out effect)) return false;
        if (effect is Reply reply && _candidates.Remove(reply.RequestId, out var candidate)) effect = reply with { Value = Rewrite(candidate, reply.Value) };
        return true;
    }

    private RespValue Rewrite(string candidate, RespValue reply)
    {
        if (candidate == "*" || reply is not RespArray { Items: [RespInteger down, RespBulkString leader, RespInteger epoch] }) return reply;
        if (leader.Text == "*" || leader.Text == candidate) return reply;
        Equivocations++;
        return RespValue.Array(down, RespValue.Bulk(candidate), epoch);
    }
}
