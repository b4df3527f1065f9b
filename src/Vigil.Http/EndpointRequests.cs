using System.Text.Json;
using Vigil.Server;

namespace Vigil.Http;

/// <summary>
/// The endpoint's routes, all read-only: <c>/</c> and its two files, <c>/metrics</c>, <c>/api/state</c> and
/// <c>/api/events</c> (server-sent events). With a token, every request must carry it (<c>Authorization: Bearer</c>,
/// or <c>?access_token=</c> for the browser's EventSource, which cannot set headers) or gets 401; then an unknown
/// path is 404 and a method other than GET or HEAD is 405.
/// </summary>
internal sealed class EndpointRequests(
    string? token, ObservationCache observations, SentinelMetrics metrics, EventStream events, FailoverTracker failovers, int sentinelPort)
{
    private const string ContentSecurityPolicy = "Content-Security-Policy: default-src 'self'; img-src 'self' data:";

    private static readonly Dictionary<string, (string ContentType, byte[] Body)> Files = new(StringComparer.Ordinal)
    {
        ["/"] = ("text/html; charset=utf-8", DashboardFiles.Read("index.html")),
        ["/dashboard.css"] = ("text/css; charset=utf-8", DashboardFiles.Read("dashboard.css")),
        ["/dashboard.js"] = ("text/javascript; charset=utf-8", DashboardFiles.Read("dashboard.js")),
    };

    public async Task HandleAsync(HttpExchange exchange)
    {
        if (!await RequestGate.AdmitAsync(exchange, token, path => Files.ContainsKey(path) || path is "/metrics" or "/api/state" or "/api/events").ConfigureAwait(false)) return;
        string path = exchange.Request.Path;
        if (Files.TryGetValue(path, out var file))
        {
            await exchange.RespondAsync(200, file.ContentType, file.Body, ContentSecurityPolicy).ConfigureAwait(false);
            return;
        }
        switch (path)
        {
            case "/metrics":
                await observations.GetAsync().WaitAsync(exchange.Aborted).ConfigureAwait(false);
                await PrometheusExposition.RespondAsync(exchange, metrics.Registry).ConfigureAwait(false);
                break;
            case "/api/state":
                var observation = await observations.GetAsync().WaitAsync(exchange.Aborted).ConfigureAwait(false);
                var state = new DashboardState(VersionInfo.Version, sentinelPort, observation, failovers.Recent, events.Recent);
                await exchange.RespondAsync(200, "application/json; charset=utf-8", JsonSerializer.SerializeToUtf8Bytes(state, DashboardJson.Default.DashboardState)).ConfigureAwait(false);
                break;
            case "/api/events":
                await StreamEventsAsync(exchange).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>
    /// Server-sent events: one <c>sentinel</c> event per sentinel event, JSON data. A client that reads too slowly
    /// fills its queue and loses events there; the sentinel is not slowed.
    /// </summary>
    private async Task StreamEventsAsync(HttpExchange exchange)
    {
        if (exchange.IsHead)
        {
            await exchange.RespondAsync(200, "text/event-stream", ReadOnlyMemory<byte>.Empty).ConfigureAwait(false);
            return;
        }
        var reader = events.Subscribe();
        try
        {
            await exchange.StartStreamAsync("text/event-stream").ConfigureAwait(false);
            await exchange.WriteStreamAsync("retry: 1000\n\n").ConfigureAwait(false);
            await foreach (var record in reader.ReadAllAsync(exchange.Aborted).ConfigureAwait(false))
            {
                string json = JsonSerializer.Serialize(record, DashboardJson.Default.SentinelEventRecord);
                await exchange.WriteStreamAsync($"id: {record.Seq}\nevent: sentinel\ndata: {json}\n\n").ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away or the sentinel is stopping.
        }
        finally
        {
            events.Unsubscribe(reader);
        }
    }
}
