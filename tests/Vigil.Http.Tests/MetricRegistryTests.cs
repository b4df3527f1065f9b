using System.Text;
using Vigil.Http.Metrics;

namespace Vigil.Http.Tests;

/// <summary>The text the exposition writes (the integration tests also parse it with Prometheus's own parser).</summary>
public sealed class MetricRegistryTests
{
    [Fact]
    public void A_histogram_writes_sum_count_and_cumulative_buckets_and_label_values_are_escaped()
    {
        var registry = new MetricRegistry();
        var phases = registry.Histogram("x_seconds", "Phase\\durations\nin s", [1, 0.5], "phase");
        phases.Observe(0.2, "a\"b");
        phases.Observe(0.7, "a\"b");
        phases.Observe(3, "a\"b");
        var lines = Lines(registry);
        Assert.Equal(
        [
            "# HELP x_seconds Phase\\\\durations\\nin s",
            "# TYPE x_seconds histogram",
            "x_seconds_sum{phase=\"a\\\"b\"} 3.9",
            "x_seconds_count{phase=\"a\\\"b\"} 3",
            "x_seconds_bucket{phase=\"a\\\"b\",le=\"0.5\"} 1",
            "x_seconds_bucket{phase=\"a\\\"b\",le=\"1\"} 2",
            "x_seconds_bucket{phase=\"a\\\"b\",le=\"+Inf\"} 3",
        ], lines);
    }

    [Fact]
    public void Label_less_metrics_show_zero_at_once_labelled_ones_only_once_set_and_removed_sets_disappear()
    {
        var registry = new MetricRegistry();
        var total = registry.Counter("c_total", "c");
        var byName = registry.Gauge("g", "g", "name");
        Assert.Contains("c_total 0", Lines(registry));
        Assert.DoesNotContain(Lines(registry), line => line.StartsWith("g{", StringComparison.Ordinal));
        total.Inc();
        total.IncTo(5);
        total.IncTo(2);
        byName.Set(1.5, "m1");
        byName.Set(2, "m2");
        byName.Remove("m1");
        var lines = Lines(registry);
        Assert.Contains("c_total 5", lines);
        Assert.Contains("g{name=\"m2\"} 2", lines);
        Assert.DoesNotContain("g{name=\"m1\"} 1.5", lines);
        Assert.Throws<ArgumentException>(() => byName.Set(1, "m", "extra"));
        Assert.Throws<InvalidOperationException>(() => registry.Gauge("g", "again"));
    }

    private static string[] Lines(MetricRegistry registry) =>
        Encoding.UTF8.GetString(registry.CollectText()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
