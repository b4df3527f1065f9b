using System.Globalization;
using Vigil.Resp;

namespace Vigil.Migration.Links;

/// <summary>Connections to sentinels, which may or may not ask for the same password as the data nodes.</summary>
public static class SentinelLinks
{
    /// <summary>Connects without credentials, and again with them when the sentinel answers NOAUTH.</summary>
    public static async Task<(RedisLink Link, RedisCredentials? Credentials)> ConnectAsync(
        RedisEndpoint endpoint, RedisCredentials? credentials, CancellationToken cancel)
    {
        RedisLink link;
        try
        {
            link = await RedisLink.ConnectAsync(endpoint, null, cancel).ConfigureAwait(false);
            if (await link.CallAsync(cancel, "PING").ConfigureAwait(false) is not RespError { Text: var error } || !error.StartsWith("NOAUTH", StringComparison.Ordinal))
            {
                return (link, null);
            }
            await link.DisposeAsync().ConfigureAwait(false);
            if (credentials is null) throw new MigrationRefusal($"sentinel {endpoint}: authentication required: give --pass or --pass-file");
            return (await RedisLink.ConnectAsync(endpoint, credentials, cancel).ConfigureAwait(false), credentials);
        }
        catch (RedisLinkException ex)
        {
            throw new MigrationRefusal($"sentinel {endpoint}: {ex.Message}", ex);
        }
    }

    /// <summary>The ip:port of every entry of a SENTINEL REPLICAS reply.</summary>
    public static IReadOnlyList<RedisEndpoint> ReplicaAddresses(RespValue reply) =>
        [.. Replies.Items(reply).Select(Replies.Fields).Select(Address).OfType<RedisEndpoint>()];

    public static RedisEndpoint? Address(Dictionary<string, string> fields) =>
        fields.GetValueOrDefault("ip") is { } ip
        && int.TryParse(fields.GetValueOrDefault("port"), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? new RedisEndpoint(ip, port)
            : null;
}
