using System.Text;

namespace Vigil.Http.Metrics;

/// <summary>
/// The metrics one endpoint serves, written in Prometheus text format 0.0.4 in the order they were created. Callbacks
/// registered with <see cref="BeforeCollect"/> run at the start of each collection (gauges read from an observation).
/// </summary>
public sealed class MetricRegistry
{
    private readonly List<MetricFamily> _families = [];
    private readonly List<Action> _beforeCollect = [];

    public Counter Counter(string name, string help, params string[] labelNames) => Add(new Counter(name, help, labelNames));

    public Gauge Gauge(string name, string help, params string[] labelNames) => Add(new Gauge(name, help, labelNames));

    public Histogram Histogram(string name, string help, double[] buckets, params string[] labelNames) => Add(new Histogram(name, help, buckets, labelNames));

    public void BeforeCollect(Action callback)
    {
        lock (_beforeCollect) _beforeCollect.Add(callback);
    }

    /// <summary>Every family with its HELP and TYPE lines and its samples, UTF-8.</summary>
    public byte[] CollectText()
    {
        Action[] callbacks;
        lock (_beforeCollect) callbacks = [.. _beforeCollect];
        foreach (var callback in callbacks) callback();
        var text = new StringBuilder(4096);
        MetricFamily[] families;
        lock (_families) families = [.. _families];
        foreach (var family in families) family.Write(text);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private T Add<T>(T family) where T : MetricFamily
    {
        lock (_families)
        {
            if (_families.Any(f => f.Name == family.Name)) throw new InvalidOperationException($"metric {family.Name} is already registered");
            _families.Add(family);
        }
        // Like the usual clients: a metric without labels is shown (at zero) before it first moves.
        if (!family.HasLabels) family.Publish();
        return family;
    }
}
