using System.Diagnostics;

namespace Vigil.Demo;

/// <summary>The demo's monotonic clock, in milliseconds since the demo started; events are shown relative to the fault.</summary>
internal sealed class DemoClock
{
    private readonly long _startTimestamp = Stopwatch.GetTimestamp();

    public double NowMs => Stopwatch.GetElapsedTime(_startTimestamp).TotalMilliseconds;

    /// <summary>When the fault was injected, or null before.</summary>
    public double? FaultAtMs { get; set; }

    /// <summary>Milliseconds since the fault (negative before it).</summary>
    public double SinceFaultMs(double atMs) => atMs - (FaultAtMs ?? atMs);
}
