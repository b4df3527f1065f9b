using Prometheus;

namespace Vigil.Http;

/// <summary>Answers with a registry's metrics in Prometheus text format 0.0.4, collected into memory first so the length is known.</summary>
internal static class PrometheusExposition
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static async Task RespondAsync(HttpExchange exchange, CollectorRegistry registry)
    {
        using var text = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(text, ExpositionFormat.PrometheusText, exchange.Aborted).ConfigureAwait(false);
        await exchange.RespondAsync(200, ContentType, text.GetBuffer().AsMemory(0, (int)text.Length)).ConfigureAwait(false);
    }
}
