using Vigil.Hosting;
using Vigil.Sentinel;
using Vigil.Server.Links;
using Vigil.Server.Logging;
using Vigil.Server.Observation;
using Vigil.Server.PubSub;
using Vigil.Server.Scripts;
using Vigil.Server.State;

namespace Vigil.Server.Loop;

/// <summary>
/// Turns the core's effects into I/O, on the event loop, as the <see cref="CoreDriver"/> hands them over: saves are
/// kept for the end of the loop's batch (<see cref="CoalescingStateStore"/>), answers go to the waiting sessions.
/// </summary>
public sealed class EffectRunner(Clock clock, OutboundLinks links, PubSubHub pubSub, SentinelLog log, CoalescingStateStore state,
    PendingRequests requests, Net.HostnameResolver hostnames, Action<int, string> exit) : ICoreHost
{
    private readonly ScriptRunner _scripts = new();

    /// <summary>Sees every published event; null when nothing outside the protocol watches (the usual case).</summary>
    public ISentinelObserver? Observer { get; init; }

    public long NowMs => clock.NowMs;

    /// <summary>Kept for <see cref="CoalescingStateStore.Flush"/>, which the loop calls at the end of each batch.</summary>
    public bool? Save(PersistState save)
    {
        state.Defer(save.State, save.Seq);
        return null;
    }

    /// <summary>Sends the commands the effects carried out so far queued (see <see cref="OutboundLinks.FlushSent"/>).</summary>
    public void FlushSent() => links.FlushSent();

    public void Carry(Effect effect)
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
            case Reply reply: requests.Complete(reply.RequestId, reply); break;
            case ObservationReply observation: requests.Complete(observation.RequestId, observation); break;
            case Exit stop:
                state.Flush(); // SIMULATE-FAILURE crash-after-promotion: what was to be saved is saved first
                exit(stop.Code, stop.Reason);
                break;
            case RunScript run: _scripts.Run(run, links.Loop); break;
            case KillScript kill: _scripts.Kill(kill); break;
            case ResolveHostname resolve: hostnames.Resolve(resolve.Hostname); break;
            default: throw new InvalidOperationException($"unknown effect {effect.GetType().Name}");
        }
    }
}
