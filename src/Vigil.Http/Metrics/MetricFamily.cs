using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Vigil.Http.Metrics;

/// <summary>
/// One named metric and its samples, one per set of label values. Updates are lock-free (the sentinel's loop thread
/// records into them and must never wait for a scrape); a scrape reads whatever each cell holds at that moment.
/// </summary>
public abstract class MetricFamily
{
    private readonly ConcurrentDictionary<string[], object> _cells = new(LabelValuesComparer.Instance);
    private readonly string[] _labelNames;

    private protected MetricFamily(string name, string help, string type, string[] labelNames)
    {
        Name = name;
        Help = help;
        Type = type;
        _labelNames = labelNames;
    }

    public string Name { get; }
    public string Help { get; }
    public string Type { get; }

    internal bool HasLabels => _labelNames.Length > 0;

    /// <summary>Shows the sample without label values at zero before anything is recorded.</summary>
    public void Publish() => _cells.GetOrAdd([], _ => NewCell());

    private protected abstract object NewCell();

    private protected abstract void WriteCell(StringBuilder text, string labels, object cell);

    private protected object Cell(string[] labelValues)
    {
        if (labelValues.Length != _labelNames.Length)
        {
            throw new ArgumentException($"{Name} takes {_labelNames.Length} label values, not {labelValues.Length}", nameof(labelValues));
        }
        return _cells.TryGetValue(labelValues, out var cell) ? cell : _cells.GetOrAdd([.. labelValues], _ => NewCell());
    }

    private protected void RemoveCell(string[] labelValues) => _cells.TryRemove(labelValues, out _);

    internal void Write(StringBuilder text)
    {
        text.Append("# HELP ").Append(Name).Append(' ').Append(Help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        text.Append("# TYPE ").Append(Name).Append(' ').Append(Type).Append('\n');
        foreach (var (values, cell) in _cells.OrderBy(pair => string.Join('\0', pair.Key), StringComparer.Ordinal))
        {
            WriteCell(text, Labels(values), cell);
        }
    }

    /// <summary><c>a="x",b="y"</c> (without braces), escaped as the format requires; empty without labels.</summary>
    private string Labels(string[] values)
    {
        if (values.Length == 0) return "";
        var text = new StringBuilder();
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0) text.Append(',');
            text.Append(_labelNames[i]).Append("=\"")
                .Append(values[i].Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal))
                .Append('"');
        }
        return text.ToString();
    }

    private protected static void WriteSample(StringBuilder text, string name, string labels, string? extraLabel, double value)
    {
        text.Append(name);
        if (labels.Length > 0 || extraLabel is not null)
        {
            text.Append('{').Append(labels);
            if (extraLabel is not null) text.Append(labels.Length > 0 ? "," : "").Append(extraLabel);
            text.Append('}');
        }
        text.Append(' ').Append(Format(value)).Append('\n');
    }

    internal static string Format(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ => value.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Adds to a double without a lock.</summary>
    private protected static void Add(ref double target, double amount)
    {
        double seen = Volatile.Read(ref target);
        while (true)
        {
            double found = Interlocked.CompareExchange(ref target, seen + amount, seen);
            if (found.Equals(seen)) return;
            seen = found;
        }
    }

    private sealed class LabelValuesComparer : IEqualityComparer<string[]>
    {
        public static LabelValuesComparer Instance { get; } = new();
        public bool Equals(string[]? x, string[]? y) => x is not null && y is not null && x.AsSpan().SequenceEqual(y);
        public int GetHashCode(string[] obj)
        {
            var hash = new HashCode();
            foreach (var s in obj) hash.Add(s, StringComparer.Ordinal);
            return hash.ToHashCode();
        }
    }
}
