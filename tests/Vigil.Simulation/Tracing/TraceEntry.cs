namespace Vigil.Simulation.Tracing;

/// <summary>One trace line: when (simulated true ms), who, and what (formatted lazily).</summary>
internal readonly record struct TraceEntry(long TimeMs, string Source, object What)
{
    public string Format()
    {
        string text = What switch
        {
            string s => s,
            Func<string> lazy => lazy(),
            _ => TraceFormat.Describe(What),
        };
        return $"{TimeMs,9} {Source,-12} {text}";
    }
}
