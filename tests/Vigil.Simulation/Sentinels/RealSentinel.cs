using System.Diagnostics.CodeAnalysis;
using Vigil.Resp;
using Vigil.Sentinel;
using Vigil.Sentinel.State;

namespace Vigil.Simulation.Sentinels;

/// <summary>The real core, unchanged, behind the seam.</summary>
internal sealed class RealSentinel(SentinelCore core) : ISentinelProcess
{
    public string MyId => core.MyId;
    public long NextWakeMs => core.NextWakeMs;
    public SentinelState State => core.State;
    public void Handle(Input input) => core.Handle(input);
    public bool TryDequeueEffect([NotNullWhen(true)] out Effect? effect) => core.TryDequeueEffect(out effect);
    public RespValue ExecuteSentinel(IReadOnlyList<byte[]> args, long nowMs) => core.ExecuteSentinel(args, nowMs);
    public RespValue AcceptHelloPublish(string payload, long nowMs) => core.AcceptHelloPublish(payload, nowMs);
}
