using Vigil.Sentinel;
using Vigil.Server.Links;
using Vigil.Server.Logging;
using Vigil.Server.Observation;
using Vigil.Server.PubSub;
using Vigil.Server.Scripts;
using Vigil.Server.State;

namespace Vigil.Server.Loop;

/// <summary>Turns the core's effects into I/O. Runs on the event loop, right after each core step.</summary>
public sealed class EffectRunner(OutboundLinks links, PubSubHub pubSub, SentinelLog log, CoalescingStateStore state, Action<int, string> exit)
{
    private readonly ScriptRunner _scripts = new();

    /// <summary>Sees every published event; null when nothing outside the protocol watches (the usual case).</summary>
    public ISentinelObserver? Observer { get; init; }

    public void RunAll(SentinelCore core)
    {
        while (core.TryDequeueEffect(out var effect))
        {
            Run(effect);
        }
    }

    /// <summary>Writes the state saves deferred since the last call (see <see cref="CoalescingStateStore"/>).</summary>
    public void FlushState() => state.Flush();

    private void Run(Effect effect)
    {
        switch (effect)
        {
            case OpenLink open: links.Open(open); break;
            case SendCommand send: links.Send(send); break;
            case CloseLink close: links.Close(close); break;
            case PublishEvent publish:
                pubSub.Publish(publish.Channel, publish.Message);
                Observer?.OnEvent(publish.Channel, publish.Message, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                break;
            case Log line: log.Write(line.Level, line.Message); break;
            case SetLogLevel level: log.MinimumLevel = level.Level; break;
            case PersistState persist: state.Defer(persist.State); break;
            case Exit stop:
                state.Flush(); // SIMULATE-FAILURE crash-after-promotion: what was to be saved is saved first
                exit(stop.Code, stop.Reason);
                break;
            case RunScript run: _scripts.Run(run, links.Loop); break;
            case KillScript kill: _scripts.Kill(kill); break;
            default: throw new InvalidOperationException($"unknown effect {effect.GetType().Name}");
        }
    }
}
