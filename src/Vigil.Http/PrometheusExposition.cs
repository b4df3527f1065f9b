using Vigil.Http.Metrics;

namespace Vigil.Http;

/// <summary>Answers with a registry's metrics in Prometheus text format 0.0.4.</summary>
internal static class PrometheusExposition
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static Task RespondAsync(HttpExchange exchange, MetricRegistry registry) =>
        exchange.RespondAsync(200, ContentType, registry.CollectText());
}
