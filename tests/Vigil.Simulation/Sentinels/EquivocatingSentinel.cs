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
    public void Handle(Input input) => inner.Handle(input);
    public bool TryDequeueEffect([NotNullWhen(true)] out Effect? effect) => inner.TryDequeueEffect(out effect);
    public RespValue AcceptHelloPublish(string payload, long nowMs) => inner.AcceptHelloPublish(payload, nowMs);

    public RespValue ExecuteSentinel(IReadOnlyList<byte[]> args, long nowMs)
    {
        var reply = inner.ExecuteSentinel(args, nowMs);
        if (args.Count != 5 || !Encoding.UTF8.GetString(args[0]).Equals("is-master-down-by-addr", StringComparison.OrdinalIgnoreCase)) return reply;
        string candidate = Encoding.UTF8.GetString(args[4]);
        if (candidate == "*" || reply is not RespArray { Items: [RespInteger down, RespBulkString leader, RespInteger epoch] }) return reply;
        if (leader.Text == "*" || leader.Text == candidate) return reply;
        Equivocations++;
        return RespValue.Array(down, RespValue.Bulk(candidate), epoch);
    }
}
