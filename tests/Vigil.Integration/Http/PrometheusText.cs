using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Vigil.Integration.Http;

/// <summary>One sample of a scrape, as an independent parser read it.</summary>
public sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// Parses Prometheus text exposition with the Prometheus project's own Python client
/// (<c>prometheus_client.parser</c>, Debian's python3-prometheus-client), not with the code under test.
/// </summary>
public static class PrometheusText
{
    private const string Script = """
        import sys, json
        from prometheus_client.parser import text_string_to_metric_families
        for family in text_string_to_metric_families(sys.stdin.read()):
            for s in family.samples:
                print(json.dumps([s.name, s.labels, s.value]))
        """;

    public static async Task<IReadOnlyList<MetricSample>> ParseAsync(string text)
    {
        var start = new ProcessStartInfo("/usr/bin/python3", ["-c", Script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var python = Process.Start(start)!;
        await python.StandardInput.WriteAsync(text);
        python.StandardInput.Close();
        var output = python.StandardOutput.ReadToEndAsync();
        var errors = python.StandardError.ReadToEndAsync();
        await python.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (python.ExitCode != 0) throw new FormatException($"the Prometheus parser refused the scrape: {await errors}\n{text}");
        var samples = new List<MetricSample>();
        foreach (var line in (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var json = JsonDocument.Parse(line);
            var items = json.RootElement;
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var label in items[1].EnumerateObject()) labels[label.Name] = label.Value.GetString()!;
            double value = items[2].ValueKind == JsonValueKind.Number ? items[2].GetDouble()
                : double.Parse(items[2].GetString()!, CultureInfo.InvariantCulture);
            samples.Add(new MetricSample(items[0].GetString()!, labels, value));
        }
        return samples;
    }

    /// <summary>The value of the one sample with that name and those labels (others may be present), or null.</summary>
    public static double? Value(this IReadOnlyList<MetricSample> samples, string name, params (string Name, string Value)[] labels)
    {
        var match = samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value)).ToList();
        return match.Count switch
        {
            0 => null,
            1 => match[0].Value,
            _ => throw new InvalidOperationException($"{match.Count} samples of {name} match"),
        };
    }

    /// <summary>The sum of every sample with that name and those labels (0 when none).</summary>
    public static double Sum(this IReadOnlyList<MetricSample> samples, string name, params (string Name, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value)).Sum(s => s.Value);
}
