using System.Text;

namespace Vigil.Http.Metrics;

/// <summary>A value that only goes up (Prometheus <c>counter</c>).</summary>
public sealed class Counter : MetricFamily
{
    internal Counter(string name, string help, string[] labelNames) : base(name, help, "counter", labelNames) { }

    public void Inc(params string[] labelValues) => Add(ref ((Box)Cell(labelValues)).Value, 1);

    /// <summary>Raises the counter to <paramref name="value"/> when it is lower (for counts kept elsewhere).</summary>
    public void IncTo(double value, params string[] labelValues)
    {
        var box = (Box)Cell(labelValues);
        double seen = Volatile.Read(ref box.Value);
        while (seen < value)
        {
            double found = Interlocked.CompareExchange(ref box.Value, value, seen);
            if (found.Equals(seen)) return;
            seen = found;
        }
    }

    private protected override object NewCell() => new Box();

    private protected override void WriteCell(StringBuilder text, string labels, object cell) =>
        WriteSample(text, Name, labels, null, Volatile.Read(ref ((Box)cell).Value));

    private sealed class Box
    {
        public double Value;
    }
}
