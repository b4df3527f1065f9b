using System.Diagnostics;

namespace Vigil.Server;

/// <summary>The monotonic millisecond clock the core runs on. Wall-clock steps cannot move it.</summary>
public sealed class Clock
{
    private readonly long _originTimestamp = Stopwatch.GetTimestamp();

    /// <summary>Milliseconds since the process started this clock; always increasing.</summary>
    public long NowMs => (long)Stopwatch.GetElapsedTime(_originTimestamp).TotalMilliseconds;
}
