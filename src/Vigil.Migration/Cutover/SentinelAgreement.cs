using System.Diagnostics;
using System.Globalization;
using Vigil.Migration.Links;
using Vigil.Migration.Preflight;

namespace Vigil.Migration.Cutover;

/// <summary>After a switch: waits until every sentinel given answers the new master to GET-MASTER-ADDR-BY-NAME.</summary>
public static class SentinelAgreement
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public static async Task WaitAsync(SentinelGroupFacts group, RedisEndpoint master)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string? disagreement = null;
            for (var i = 0; i < group.Sentinels.Count && disagreement is null; i++)
            {
                await using var link = await RedisLink.ConnectAsync(group.Sentinels[i], group.SentinelCredentials, CancellationToken.None).ConfigureAwait(false);
                var address = Replies.Items(await link.CallAsync("SENTINEL", "GET-MASTER-ADDR-BY-NAME", group.MasterName).ConfigureAwait(false));
                if (address.Count != 2 || !int.TryParse(Replies.Text(address[1]), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                    || !await PreflightRunner.SameAddressAsync(master, Replies.Text(address[0]) ?? "", port, CancellationToken.None).ConfigureAwait(false))
                {
                    disagreement = $"sentinel {group.Sentinels[i]} names {string.Join(":", address.Select(Replies.Text))}";
                }
            }
            if (disagreement is null) return;
            if (clock.Elapsed > Timeout) throw new MigrationRefusal($"after +switch-master: {disagreement}");
            await Task.Delay(PollInterval).ConfigureAwait(false);
        }
    }
}
