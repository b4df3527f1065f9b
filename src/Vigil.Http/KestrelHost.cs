using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Sentinel.Config;

namespace Vigil.Http;

/// <summary>
/// Kestrel as every Vigil endpoint runs it: the slim builder, no configuration files, no logging providers, a
/// bounded number of connections, no request bodies, and one handler for every request. The process owns
/// SIGTERM/SIGINT and stops the server itself.
/// </summary>
internal static class KestrelHost
{
    public static async Task<WebApplication> StartAsync(HttpEndpointAddress address, RequestDelegate handle, CancellationToken stopping)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // Not the process's working directory: no appsettings.json or static files are read from anywhere.
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = "vigil",
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, HostOwnedLifetime>();
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            options.Limits.MaxConcurrentConnections = 128;
            options.Limits.MaxRequestBodySize = 0;
            options.Listen(new IPEndPoint(address.Address, address.Port));
        });
        var app = builder.Build();
        app.Run(handle);
        await app.StartAsync(stopping).ConfigureAwait(false);
        return app;
    }

    /// <summary>The port actually listened on (with port 0, a free one).</summary>
    public static int? BoundPort(WebApplication app)
    {
        foreach (var url in app.Urls)
        {
            if (Uri.TryCreate(url.Replace("[::]", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri)) return uri.Port;
        }
        return null;
    }

    public static async Task StopAsync(WebApplication app)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try { await app.StopAsync(timeout.Token).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
    }

    private sealed class HostOwnedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
