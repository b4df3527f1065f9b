namespace Vigil.Sentinel;

/// <summary>The current epoch (compatibility-rules §6): it only grows, and remembers when it last did.</summary>
internal sealed class Epochs(CoreClock clock)
{
    private long _current;

    public long Current
    {
        get => _current;
        set
        {
            Invariants.Check(value >= _current, $"the current epoch went back from {_current} to {value}");
            if (value > _current) RaisedAtMs = clock.NowMs;
            _current = value;
        }
    }

    /// <summary>When the current epoch last went up (an election, a vote request, a hello); "long ago" after loading.</summary>
    public long RaisedAtMs { get; set; } = CoreClock.LongAgoMs;
}
