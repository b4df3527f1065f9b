using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Prometheus;
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
    private static readonly Dictionary<string, (string ContentType, byte[] Body)> Files = new(StringComparer.Ordinal)
    {
        ["/"] = ("text/html; charset=utf-8", DashboardFiles.Read("index.html")),
        ["/dashboard.css"] = ("text/css; charset=utf-8", DashboardFiles.Read("dashboard.css")),
        ["/dashboard.js"] = ("text/javascript; charset=utf-8", DashboardFiles.Read("dashboard.js")),
    };

    public async Task HandleAsync(HttpContext context, CancellationToken stopping)
    {
        if (!await RequestGate.AdmitAsync(context, token, path => Files.ContainsKey(path) || path is "/metrics" or "/api/state" or "/api/events").ConfigureAwait(false)) return;
        var request = context.Request;
        var response = context.Response;
        string path = request.Path.Value ?? "/";
        if (Files.TryGetValue(path, out var file))
        {
            response.ContentType = file.ContentType;
            response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:";
            response.ContentLength = file.Body.Length;
            if (HttpMethods.IsGet(request.Method)) await response.Body.WriteAsync(file.Body, context.RequestAborted).ConfigureAwait(false);
            return;
        }
        switch (path)
        {
            case "/metrics":
                await observations.GetAsync().WaitAsync(context.RequestAborted).ConfigureAwait(false);
                response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                await metrics.Registry.CollectAndExportAsTextAsync(response.Body, ExpositionFormat.PrometheusText, context.RequestAborted).ConfigureAwait(false);
                break;
            case "/api/state":
                var observation = await observations.GetAsync().WaitAsync(context.RequestAborted).ConfigureAwait(false);
                var state = new DashboardState(VersionInfo.Version, sentinelPort, observation, failovers.Recent, events.Recent);
                response.ContentType = "application/json; charset=utf-8";
                await JsonSerializer.SerializeAsync(response.Body, state, DashboardJson.Default.DashboardState, context.RequestAborted).ConfigureAwait(false);
                break;
            case "/api/events":
                await StreamEventsAsync(context, stopping).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>
    /// Server-sent events: one <c>sentinel</c> event per sentinel event, JSON data. A client that reads too slowly
    /// fills its queue and loses events there; the sentinel is not slowed.
    /// </summary>
    private async Task StreamEventsAsync(HttpContext context, CancellationToken stopping)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        if (HttpMethods.IsHead(context.Request.Method)) return;
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var reader = events.Subscribe();
        try
        {
            await response.WriteAsync("retry: 1000\n\n", ending.Token).ConfigureAwait(false);
            await response.Body.FlushAsync(ending.Token).ConfigureAwait(false);
            await foreach (var record in reader.ReadAllAsync(ending.Token).ConfigureAwait(false))
            {
                string json = JsonSerializer.Serialize(record, DashboardJson.Default.SentinelEventRecord);
                await response.WriteAsync($"id: {record.Seq}\nevent: sentinel\ndata: {json}\n\n", ending.Token).ConfigureAwait(false);
                await response.Body.FlushAsync(ending.Token).ConfigureAwait(false);
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
