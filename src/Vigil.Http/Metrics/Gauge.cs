using System.Text;

namespace Vigil.Http.Metrics;

/// <summary>A value that is set (Prometheus <c>gauge</c>); a label set can be removed when what it described is gone.</summary>
public sealed class Gauge : MetricFamily
{
    internal Gauge(string name, string help, string[] labelNames) : base(name, help, "gauge", labelNames) { }

    public void Set(double value, params string[] labelValues) => Volatile.Write(ref ((Box)Cell(labelValues)).Value, value);

    public void Remove(params string[] labelValues) => RemoveCell(labelValues);

    private protected override object NewCell() => new Box();

    private protected override void WriteCell(StringBuilder text, string labels, object cell) =>
        WriteSample(text, Name, labels, null, Volatile.Read(ref ((Box)cell).Value));

    private sealed class Box
    {
        public double Value;
    }
}
