using System.Diagnostics;

namespace Vigil.Server;

/// <summary>The monotonic millisecond clock the core runs on. Wall-clock steps cannot move it.</summary>
/// <remarks>
/// It starts at <see cref="StartBaseMs"/> plus the wall clock's milliseconds within the second. The core sends
/// periodic commands on the multiples of their period on this clock (docs/architecture.md, "Periodic traffic on a
/// common beat"), so sentinels whose hosts keep their clocks in step ping on the same beat, and a frozen master's
/// silence starts within milliseconds at all of them: the second SDOWN that ODOWN waits for comes at once rather than
/// up to a quarter period later. Starting far from zero also keeps a time the core never set ("long ago") from
/// reading as the recent past.
/// </remarks>
public sealed class Clock
{
    /// <summary>Where the clock starts, give or take the wall clock's milliseconds (about 11.6 days).</summary>
    public const long StartBaseMs = 1_000_000_000;

    private readonly long _originTimestamp = Stopwatch.GetTimestamp();
    private readonly long _originMs = StartBaseMs + DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() % 1000;

    /// <summary>Milliseconds on this clock; always increasing.</summary>
    public long NowMs => _originMs + (long)Stopwatch.GetElapsedTime(_originTimestamp).TotalMilliseconds;
}
