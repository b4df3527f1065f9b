using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Prometheus;
using Vigil.Sentinel.Config;

namespace Vigil.Http;

/// <summary>
/// An endpoint that serves one Prometheus registry at <c>/metrics</c> and nothing else (<c>vigil proxy --http</c>),
/// with the same token, 404 and 405 rules as the sentinel's endpoint.
/// </summary>
public sealed class MetricsEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MetricsEndpoint(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    /// <summary>The port actually listened on (with port 0, a free one).</summary>
    public int Port { get; }

    /// <summary>Reads the token file (if any) and starts listening; throws <see cref="InvalidOperationException"/> for a bad token file.</summary>
    public static async Task<MetricsEndpoint> StartAsync(
        HttpEndpointAddress address, string? tokenFile, CollectorRegistry registry, Action<string> warn, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(registry);
        string? token = tokenFile is null ? null : BearerToken.Read(tokenFile, warn);
        var app = await KestrelHost.StartAsync(address, async context =>
        {
            if (!await RequestGate.AdmitAsync(context, token, path => path == "/metrics").ConfigureAwait(false)) return;
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            if (HttpMethods.IsHead(context.Request.Method)) return;
            await registry.CollectAndExportAsTextAsync(context.Response.Body, ExpositionFormat.PrometheusText, context.RequestAborted).ConfigureAwait(false);
        }, stopping).ConfigureAwait(false);
        return new MetricsEndpoint(app, KestrelHost.BoundPort(app) ?? address.Port);
    }

    public async ValueTask DisposeAsync()
    {
        await KestrelHost.StopAsync(_app).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
