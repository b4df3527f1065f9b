using Vigil.Sentinel.Observation;
using Vigil.Server.Logging;

namespace Vigil.Server.Observation;

/// <summary>
/// Watches a running sentinel for something outside the sentinel protocol (the HTTP endpoint). The loop calls the
/// <c>On…</c> methods on its own thread: they must only record and return (no I/O, no lock a reader could hold).
/// </summary>
public interface ISentinelObserver
{
    /// <summary>A sentinel event (<c>+sdown</c>, <c>+switch-master</c>...) as it is published; <paramref name="unixMs"/> is wall time.</summary>
    void OnEvent(string channel, string message, long unixMs);

    /// <summary>A state save finished (state file or rewritten config) after <paramref name="seconds"/>.</summary>
    void OnStateSaved(double seconds, bool succeeded);

    /// <summary>
    /// Starts serving once the sentinel listens; an exception stops the sentinel's start-up. <paramref name="observe"/>
    /// queues the taking of an observation on the loop and completes when the loop took it: the loop never waits for
    /// the caller.
    /// </summary>
    Task StartAsync(SentinelLog log, Func<Task<SentinelObservation>> observe, CancellationToken stopping);

    /// <summary>Stops serving; called once when the sentinel shuts down.</summary>
    Task StopAsync();
}
