using System.Text;

namespace Vigil.Http.Metrics;

/// <summary>Observations counted into buckets by upper bound (Prometheus <c>histogram</c>: <c>_sum</c>, <c>_count</c>, cumulative <c>_bucket{le}</c>).</summary>
public sealed class Histogram : MetricFamily
{
    private readonly double[] _bounds;
    private readonly string[] _le;

    internal Histogram(string name, string help, double[] buckets, string[] labelNames) : base(name, help, "histogram", labelNames)
    {
        _bounds = [.. buckets.Order()];
        _le = [.. _bounds.Select(b => $"le=\"{Format(b)}\""), "le=\"+Inf\""];
    }

    public void Observe(double value, params string[] labelValues)
    {
        var cell = (Buckets)Cell(labelValues);
        int bucket = 0;
        while (bucket < _bounds.Length && value > _bounds[bucket]) bucket++;
        Interlocked.Increment(ref cell.Counts[bucket]);
        Add(ref cell.Sum, value);
    }

    private protected override object NewCell() => new Buckets(_bounds.Length + 1);

    private protected override void WriteCell(StringBuilder text, string labels, object cell)
    {
        var c = (Buckets)cell;
        long[] counts = new long[c.Counts.Length];
        for (int i = 0; i < counts.Length; i++) counts[i] = Interlocked.Read(ref c.Counts[i]);
        WriteSample(text, Name + "_sum", labels, null, Volatile.Read(ref c.Sum));
        WriteSample(text, Name + "_count", labels, null, counts.Sum());
        long cumulative = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            cumulative += counts[i];
            WriteSample(text, Name + "_bucket", labels, _le[i], cumulative);
        }
    }

    private sealed class Buckets(int buckets)
    {
        public readonly long[] Counts = new long[buckets];
        public double Sum;
    }
}
