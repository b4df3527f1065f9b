namespace Vigil.Simulation.Tracing;

/// <summary>
/// What happened in a run, newest last. Entries keep the objects they describe and are formatted only when
/// printed, so tracing every message of a long run costs a struct write. A replay can stream every line as it
/// is written.
/// </summary>
internal sealed class Trace(int capacity)
{
    private readonly TraceEntry[] _ring = new TraceEntry[capacity];
    private long _written;

    /// <summary>When set, every entry is also formatted and handed here at once (replay mode).</summary>
    public Action<string>? Live { get; set; }

    public long Written => _written;

    public void Add(long timeMs, string source, object what)
    {
        var entry = new TraceEntry(timeMs, source, what);
        _ring[_written % _ring.Length] = entry;
        _written++;
        Live?.Invoke(entry.Format());
    }

    /// <summary>The last <paramref name="count"/> entries, formatted, oldest first.</summary>
    public IReadOnlyList<string> Tail(int count)
    {
        long available = Math.Min(_written, _ring.Length);
        long take = Math.Min(available, count);
        var lines = new List<string>((int)take);
        for (long i = _written - take; i < _written; i++) lines.Add(_ring[i % _ring.Length].Format());
        return lines;
    }
}
