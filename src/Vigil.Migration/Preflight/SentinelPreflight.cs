using System.Globalization;
using Vigil.Migration.Links;
using Vigil.Resp;

namespace Vigil.Migration.Preflight;

/// <summary>Finds the group watching the source and checks it can carry out a zero-loss switchover.</summary>
public static class SentinelPreflight
{
    public static async Task<SentinelGroupFacts> RunAsync(
        MigrateOptions options, NodeFacts source, IReadOnlyList<NodeFacts> targets, CancellationToken cancel)
    {
        string? name = options.MasterName;
        var known = 0;
        var quorum = 0;
        IReadOnlyList<RedisEndpoint> replicas = [];
        RedisCredentials? sentinelCredentials = null;
        foreach (var endpoint in options.Sentinels)
        {
            var (link, credentials) = await SentinelLinks.ConnectAsync(endpoint, options.Credentials, cancel).ConfigureAwait(false);
            await using (link.ConfigureAwait(false))
            {
                sentinelCredentials ??= credentials;
                var info = InfoFields.Parse(Replies.Text(await link.CallAsync(cancel, "INFO", "server").ConfigureAwait(false)));
                if (info["redis_mode"] != "sentinel")
                {
                    throw new MigrationRefusal($"sentinel {endpoint} is not a sentinel (redis_mode:{info["redis_mode"]})");
                }
                if (info["vigil_version"] is null)
                {
                    throw new MigrationRefusal($"sentinel {endpoint} is not Vigil: redis-sentinel's SENTINEL FAILOVER loses the writes acknowledged during the switch; " +
                        "migrate needs a group of Vigil sentinels");
                }
                var found = await FindGroupAsync(link, source.Endpoint, cancel).ConfigureAwait(false);
                if (name is null)
                {
                    name = found ?? throw new MigrationRefusal($"sentinel {endpoint} watches no master at {source.Endpoint}");
                }
                else if (found != name)
                {
                    throw new MigrationRefusal(found is null
                        ? $"sentinel {endpoint}: no group watches {source.Endpoint}" + (options.MasterName is null ? "" : $" (is '{name}' elsewhere?)")
                        : $"sentinel {endpoint} calls the source '{found}', not '{name}'");
                }
                var ckquorum = await link.CallAsync(cancel, "SENTINEL", "CKQUORUM", name).ConfigureAwait(false);
                if (ckquorum is RespError quorumError)
                {
                    throw new MigrationRefusal($"sentinel {endpoint}: SENTINEL CKQUORUM {name}: {quorumError.Text}");
                }
                if (endpoint == options.Sentinels[0])
                {
                    var master = Replies.Fields(await link.CallAsync(cancel, "SENTINEL", "MASTER", name).ConfigureAwait(false));
                    known = 1 + int.Parse(master.GetValueOrDefault("num-other-sentinels", "0"), CultureInfo.InvariantCulture);
                    quorum = int.Parse(master.GetValueOrDefault("quorum", "0"), CultureInfo.InvariantCulture);
                    replicas = SentinelLinks.ReplicaAddresses(await link.CallAsync(cancel, "SENTINEL", "REPLICAS", name).ConfigureAwait(false));
                }
            }
        }
        foreach (var target in targets)
        {
            if (replicas.Contains(target.Endpoint))
            {
                throw new MigrationRefusal($"sentinel {options.Sentinels[0]} already lists target {target.Endpoint} as a replica of '{name}'");
            }
        }
        return new SentinelGroupFacts(name!, options.Sentinels, known, quorum, replicas, sentinelCredentials);
    }

    /// <summary>The name of the master this sentinel watches at the source's address, or null.</summary>
    private static async Task<string?> FindGroupAsync(RedisLink link, RedisEndpoint source, CancellationToken cancel)
    {
        foreach (var entry in Replies.Items(await link.CallAsync(cancel, "SENTINEL", "MASTERS").ConfigureAwait(false)))
        {
            var fields = Replies.Fields(entry);
            if (fields.GetValueOrDefault("name") is { } name
                && int.TryParse(fields.GetValueOrDefault("port"), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                && await PreflightRunner.SameAddressAsync(source, fields.GetValueOrDefault("ip", ""), port, cancel).ConfigureAwait(false))
            {
                return name;
            }
        }
        return null;
    }
}
