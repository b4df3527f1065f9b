using System.Globalization;
using Vigil.Integration.Infrastructure;

namespace Vigil.Integration.Http;

/// <summary>A Vigil sentinel started with its HTTP endpoint on a free loopback port.</summary>
public sealed record HttpSentinel(RunningNode Node, int HttpPort)
{
    public static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(10) };

    public string BaseUrl => $"http://127.0.0.1:{HttpPort.ToString(CultureInfo.InvariantCulture)}/";

    public static async Task<HttpSentinel> StartAsync(SentinelGroup group, string[] config, params string[] extra)
    {
        int httpPort = FreePort.Next();
        var node = await group.StartVigilAsync([.. config, $"vigil-http 127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}", .. extra]);
        return new HttpSentinel(node, httpPort);
    }

    public async Task<string> GetTextAsync(string path)
    {
        using var response = await Client.GetAsync(BaseUrl + path);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    public async Task<IReadOnlyList<MetricSample>> ScrapeAsync() => await PrometheusText.ParseAsync(await GetTextAsync("metrics"));
}
