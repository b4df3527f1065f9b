using System.Net;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.Observation;
using Vigil.Server.Logging;
using Vigil.Server.Observation;

namespace Vigil.Http;

/// <summary>
/// The read-only HTTP endpoint (<c>vigil-http</c>): Prometheus metrics, the dashboard and its data, served by <see cref="HttpServer"/>
/// on the thread pool. The sentinel's loop only records into it (counters, an event queue per stream client); the
/// HTTP side reads observations the loop takes when asked, at most every <see cref="ObservationCache.MaxAgeMs"/>.
/// </summary>
public sealed class HttpEndpoint : ISentinelObserver, IAsyncDisposable
{
    private readonly HttpEndpointAddress _address;
    private readonly string? _tokenFile;
    private readonly int _sentinelPort;
    private readonly FailoverTracker _failovers;
    private SentinelMetrics? _metrics;
    private EventStream? _events;
    private HttpServer? _server;

    public HttpEndpoint(HttpEndpointAddress address, string? tokenFile, int sentinelPort)
    {
        _address = address;
        _tokenFile = tokenFile;
        _sentinelPort = sentinelPort;
        _failovers = new FailoverTracker
        {
            PhaseCompleted = (phase, seconds) => _metrics?.OnPhase(phase, seconds),
            LedFailoverFinished = (master, outcome) => _metrics?.OnFailoverFinished(master, outcome),
        };
    }

    /// <summary>The port actually listened on (with port 0, a free one).</summary>
    public int Port { get; private set; }

    public void OnEvent(string channel, string message, long unixMs)
    {
        _metrics?.OnEvent(channel, message);
        _failovers.OnEvent(channel, message, unixMs);
        _events?.Publish(channel, message, unixMs);
    }

    public void OnStateSaved(double seconds, bool succeeded) => _metrics?.OnStateSaved(seconds, succeeded);

    public Task StartAsync(SentinelLog log, Func<Task<SentinelObservation>> observe, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(log);
        string? token = _tokenFile is null ? null : BearerToken.Read(_tokenFile, log.Warning);
        var observations = new ObservationCache(observe);
        var metrics = new SentinelMetrics(() => observations.Latest);
        var events = new EventStream(metrics.OnEventDropped);
        var requests = new EndpointRequests(token, observations, metrics, events, _failovers, _sentinelPort);

        _metrics = metrics;
        _events = events;
        _server = HttpServer.Start(new IPEndPoint(_address.Address, _address.Port), requests.HandleAsync);
        Port = _server.Port;
        log.Notice($"HTTP endpoint (metrics, dashboard) listening on http://{new HttpEndpointAddress(_address.Address, Port)}/{(token is null ? "" : " (bearer token required)")}");
        return Task.CompletedTask;
    }

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _server, null) is { } server) await server.DisposeAsync().ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
