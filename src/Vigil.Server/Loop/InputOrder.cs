using Vigil.Sentinel;

namespace Vigil.Server.Loop;

/// <summary>
/// Puts inputs in time order before the core sees them. An input carries the time it was read at, on the thread that
/// read it, and a tick stamped later may be handled before it. The core takes an earlier stamp for a backward step of
/// the clock and moves its own clock ahead by the difference, for good: under load (1,000 masters) those differences
/// added up to seconds within a minute, and silences measured on the advanced clock made healthy instances SDOWN. The
/// host's clock never goes back, so an input handled after a later one counts as arriving at that later time.
/// </summary>
/// <remarks>Used by the one thread driving the core at a time (under the loop's lock).</remarks>
public sealed class InputOrder
{
    private long _lastMs = long.MinValue;

    public Input Next(Input input)
    {
        if (input.NowMs < _lastMs) return input with { NowMs = _lastMs };
        _lastMs = input.NowMs;
        return input;
    }
}
