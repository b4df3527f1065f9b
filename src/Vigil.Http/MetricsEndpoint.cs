using Vigil.Http.Metrics;
using Vigil.Sentinel.Config;

namespace Vigil.Http;

/// <summary>
/// An endpoint that serves one Prometheus registry at <c>/metrics</c> and nothing else (<c>vigil proxy --http</c>),
/// with the same token, 404 and 405 rules as the sentinel's endpoint.
/// </summary>
public sealed class MetricsEndpoint : IAsyncDisposable
{
    private readonly HttpServer _server;

    private MetricsEndpoint(HttpServer server) => _server = server;

    /// <summary>The port actually listened on (with port 0, a free one).</summary>
    public int Port => _server.Port;

    /// <summary>
    /// Reads the token file (if any) and starts listening; throws <see cref="InvalidOperationException"/> for a bad
    /// token file and <see cref="IOException"/> for an address that cannot be bound.
    /// </summary>
    public static MetricsEndpoint Start(HttpEndpointAddress address, string? tokenFile, MetricRegistry registry, Action<string> warn)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(registry);
        string? token = tokenFile is null ? null : BearerToken.Read(tokenFile, warn);
        var server = HttpServer.Start(new System.Net.IPEndPoint(address.Address, address.Port), async exchange =>
        {
            if (!await RequestGate.AdmitAsync(exchange, token, path => path == "/metrics").ConfigureAwait(false)) return;
            await PrometheusExposition.RespondAsync(exchange, registry).ConfigureAwait(false);
        });
        return new MetricsEndpoint(server);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
