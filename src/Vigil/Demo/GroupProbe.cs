using System.Globalization;
using System.Net.Sockets;
using Vigil.Resp;

namespace Vigil.Demo;

/// <summary>
/// One-shot questions to the group's processes, each on its own short-lived connection with a short
/// timeout: a sleeping or dead process yields "unknown" instead of blocking the demo.
/// </summary>
internal static class GroupProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(500);

    public static async Task<RespValue?> AskAsync(int port, CancellationToken cancel, params string[] args)
    {
        try
        {
            await using var connection = await RespConnection.ConnectAsync(port, Timeout, cancel).ConfigureAwait(false);
            return await connection.CallAsync(Timeout, cancel, args).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or IOException || (ex is OperationCanceledException && !cancel.IsCancellationRequested))
        {
            return null;
        }
    }

    public static async Task<NodeRole> RoleAsync(int port, CancellationToken cancel) =>
        await AskAsync(port, cancel, "ROLE").ConfigureAwait(false) is { } reply ? RespReplies.Role(reply) : NodeRole.Unknown;

    /// <summary>The master port a sentinel gives clients, or null.</summary>
    public static async Task<int?> MasterSeenByAsync(int sentinelPort, CancellationToken cancel) =>
        await AskAsync(sentinelPort, cancel, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", DemoTopology.MasterName).ConfigureAwait(false) is { } reply
            ? RespReplies.AddressPort(reply)
            : null;

    /// <summary>How many replicas and other sentinels a sentinel knows for the master, or null.</summary>
    public static async Task<(int Replicas, int Sentinels)?> KnownPeersAsync(int sentinelPort, CancellationToken cancel)
    {
        var items = RespReplies.Items(await AskAsync(sentinelPort, cancel, "SENTINEL", "MASTER", DemoTopology.MasterName).ConfigureAwait(false));
        int? replicas = null, sentinels = null;
        for (var i = 0; i + 1 < items.Count; i += 2)
        {
            var value = int.TryParse(RespReplies.Text(items[i + 1]), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (int?)null;
            switch (RespReplies.Text(items[i]))
            {
                case "num-slaves": replicas = value; break;
                case "num-other-sentinels": sentinels = value; break;
            }
        }
        return replicas is { } r && sentinels is { } s ? (r, s) : null;
    }

    /// <summary>Whether a sentinel is in TILT mode (<c>INFO sentinel</c>), or null when it does not answer.</summary>
    public static async Task<bool?> InTiltAsync(int sentinelPort, CancellationToken cancel)
    {
        var info = RespReplies.Text(await AskAsync(sentinelPort, cancel, "INFO", "sentinel").ConfigureAwait(false));
        if (info is null) return null;
        return info.Contains("sentinel_tilt:1", StringComparison.Ordinal);
    }

    /// <summary>The master port every sentinel agrees on, or null while they disagree or one does not answer.</summary>
    public static async Task<int?> AgreedMasterAsync(IReadOnlyList<DemoNode> sentinels, CancellationToken cancel)
    {
        int? agreed = null;
        foreach (var sentinel in sentinels)
        {
            var port = await MasterSeenByAsync(sentinel.Port, cancel).ConfigureAwait(false);
            if (port is null || (agreed is not null && agreed != port)) return null;
            agreed = port;
        }
        return agreed;
    }
}
