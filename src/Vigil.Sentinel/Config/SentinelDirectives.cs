using System.Net;
using System.Text;
using Vigil.Sentinel.Text;

namespace Vigil.Sentinel.Config;

/// <summary>
/// The reference applies <c>sentinel</c> lines after the whole file, in three passes (each in file
/// order), so that a line may name a master defined further down.
/// </summary>
internal enum SentinelPass
{
    /// <summary>Sentinel-wide options, read first because <c>monitor</c> depends on some of them
    /// (<c>resolve-hostnames</c>).</summary>
    BeforeMonitor = 0,
    Monitor = 1,
    /// <summary>Everything else, including unknown sub-directives.</summary>
    AfterMonitor = 2,
}

/// <summary>Applies one <c>sentinel</c> sub-directive; returns the reference's error text, or null.</summary>
/// <param name="args">The words after the sub-directive's name.</param>
internal delegate string? SentinelDirectiveHandler(ConfigLoader loader, IReadOnlyList<string> args);

/// <summary>One row of the <c>sentinel &lt;sub-directive&gt;</c> table.</summary>
internal sealed record SentinelDirective(string Name, SentinelPass Pass, int MinArgs, int MaxArgs, SentinelDirectiveHandler Handle);

/// <summary>The <c>sentinel …</c> sub-directives of Redis 7.0 with their checks and error texts.</summary>
internal static class SentinelDirectives
{
    public const string Unrecognized = "Unrecognized sentinel configuration statement.";

    /// <summary>Length of a run id / sentinel id.</summary>
    public const int RunIdLength = 40;

    private const string NoSuchMaster = "No such master with specified name.";

    /// <summary>Table by lower-case name; look up with <see cref="Find"/> (names are case-insensitive).</summary>
    public static IReadOnlyDictionary<string, SentinelDirective> ByName { get; } = BuildTable();

    public static SentinelDirective? Find(string name) => ByName.GetValueOrDefault(name.ToLowerInvariant());

    /// <summary>The pass a line runs in is decided by its name alone, before its words are checked.</summary>
    public static SentinelPass PassOf(string name) => Find(name)?.Pass ?? SentinelPass.AfterMonitor;

    private static Dictionary<string, SentinelDirective> BuildTable()
    {
        var table = new Dictionary<string, SentinelDirective>(StringComparer.Ordinal);
        void Add(string name, SentinelPass pass, int minArgs, int maxArgs, SentinelDirectiveHandler handle) =>
            table.Add(name, new SentinelDirective(name, pass, minArgs, maxArgs, handle));

        const SentinelPass Before = SentinelPass.BeforeMonitor;
        const SentinelPass After = SentinelPass.AfterMonitor;

        Add("announce-ip", Before, 1, 1, static (l, a) =>
        {
            // An empty address is ignored (an earlier one stays).
            if (a[0].Length > 0) l.Draft.Sentinel = l.Draft.Sentinel with { AnnounceIp = a[0] };
            return null;
        });
        Add("announce-port", Before, 1, 1, static (l, a) =>
        {
            l.Draft.Sentinel = l.Draft.Sentinel with { AnnouncePort = RedisNumbers.Atoi(a[0]) };
            return null;
        });
        Add("deny-scripts-reconfig", Before, 1, 1, static (l, a) =>
        {
            int yesNo = RedisNumbers.YesNo(a[0]);
            if (yesNo < 0) return "Please specify yes or no for the deny-scripts-reconfig options.";
            l.Draft.Sentinel = l.Draft.Sentinel with { DenyScriptsReconfig = yesNo == 1 };
            return null;
        });
        Add("sentinel-user", Before, 1, 1, static (l, a) =>
        {
            if (a[0].Length > 0) l.Draft.Sentinel = l.Draft.Sentinel with { SentinelUser = a[0] };
            return null;
        });
        Add("sentinel-pass", Before, 1, 1, static (l, a) =>
        {
            if (a[0].Length > 0) l.Draft.Sentinel = l.Draft.Sentinel with { SentinelPass = a[0] };
            return null;
        });
        Add("current-epoch", Before, 1, 1, static (l, a) =>
        {
            RaiseCurrentEpoch(l.Draft, RedisNumbers.SaturateToLong(RedisNumbers.StrToULong(a[0])));
            return null;
        });
        Add("myid", Before, 1, 1, static (l, a) =>
        {
            // Only the length is checked, in bytes as the reference counts it.
            if (Encoding.UTF8.GetByteCount(a[0]) != RunIdLength) return "Malformed Sentinel id in myid option.";
            l.Draft.Sentinel = l.Draft.Sentinel with { MyId = a[0] };
            return null;
        });
        Add("resolve-hostnames", Before, 1, 1, static (l, a) =>
        {
            int yesNo = RedisNumbers.YesNo(a[0]);
            if (yesNo < 0) return "Please specify yes or no for the resolve-hostnames option.";
            l.Draft.Sentinel = l.Draft.Sentinel with { ResolveHostnames = yesNo == 1 };
            return null;
        });
        Add("announce-hostnames", Before, 1, 1, static (l, a) =>
        {
            int yesNo = RedisNumbers.YesNo(a[0]);
            if (yesNo < 0) return "Please specify yes or no for the announce-hostnames option.";
            l.Draft.Sentinel = l.Draft.Sentinel with { AnnounceHostnames = yesNo == 1 };
            return null;
        });

        Add("monitor", SentinelPass.Monitor, 4, 4, static (l, a) =>
        {
            // monitor <name> <host> <port> <quorum>; checked in the reference's order.
            int quorum = RedisNumbers.Atoi(a[3]);
            if (quorum <= 0) return "Quorum must be 1 or greater.";
            int port = RedisNumbers.Atoi(a[2]);
            if (CheckAddress(l.Draft, a[1], port) is { } error) return error;
            var master = new MasterDraft(new MasterConfig { Name = a[0], Host = a[1], Port = port, Quorum = quorum });
            return l.Draft.TryAddMaster(master) ? null : "Duplicate master name.";
        });

        Add("down-after-milliseconds", After, 2, 2, static (l, a) => UpdateMaster(l, a[0], m =>
        {
            int ms = RedisNumbers.Atoi(a[1]);
            if (ms <= 0) return "negative or zero time parameter.";
            m.Config = m.Config with { DownAfterMs = ms };
            return null;
        }));
        Add("failover-timeout", After, 2, 2, static (l, a) => UpdateMaster(l, a[0], m =>
        {
            int ms = RedisNumbers.Atoi(a[1]);
            if (ms <= 0) return "negative or zero time parameter.";
            m.Config = m.Config with { FailoverTimeoutMs = ms };
            return null;
        }));
        Add("parallel-syncs", After, 2, 2, static (l, a) => UpdateMaster(l, a[0], m =>
        {
            // Unchecked in the file (SENTINEL SET checks it).
            m.Config = m.Config with { ParallelSyncs = RedisNumbers.Atoi(a[1]) };
            return null;
        }));
        Add("master-reboot-down-after-period", After, 2, 2, static (l, a) => UpdateMaster(l, a[0], m =>
        {
            int ms = RedisNumbers.Atoi(a[1]);
            if (ms < 0) return "negative time parameter.";
            m.Config = m.Config with { MasterRebootDownAfterPeriodMs = ms };
            return null;
        }));
        Add("fence-writes", After, 2, 2, static (l, a) => UpdateMaster(l, a[0], m =>
        {
            int yesNo = RedisNumbers.YesNo(a[1]);
            if (yesNo < 0) return "Please specify yes or no for the fence-writes option.";
            m.Config = m.Config with { FenceWrites = yesNo == 1 };
            return null;
        }));
        Add("failover-damping", After, 2, 2, static (l, a) => UpdateMaster(l, a[0], m =>
        {
            int ms = RedisNumbers.Atoi(a[1]);
            if (ms < 0) return "negative time parameter.";
            m.Config = m.Config with { FailoverDampingMs = ms };
            return null;
        }));
        Add("notification-script", After, 2, 2, static (l, a) => UpdateMaster(l, a[0], m =>
        {
            if (!l.IsExecutable(a[1])) return "Notification script seems non existing or non executable.";
            m.Config = m.Config with { NotificationScript = a[1] };
            return null;
        }));
        Add("client-reconfig-script", After, 2, 2, static (l, a) => UpdateMaster(l, a[0], m =>
        {
            if (!l.IsExecutable(a[1])) return "Client reconfiguration script seems non existing or non executable.";
            m.Config = m.Config with { ClientReconfigScript = a[1] };
            return null;
        }));
        Add("auth-pass", After, 2, 2, static (l, a) => UpdateMaster(l, a[0], m =>
        {
            m.Config = m.Config with { AuthPass = a[1] };
            return null;
        }));
        Add("auth-user", After, 2, 2, static (l, a) => UpdateMaster(l, a[0], m =>
        {
            m.Config = m.Config with { AuthUser = a[1] };
            return null;
        }));
        Add("rename-command", After, 3, 3, static (l, a) => UpdateMaster(l, a[0], m =>
            m.TryAddRename(a[1], a[2]) ? null : "Same command renamed multiple times with rename-command."));
        Add("config-epoch", After, 2, 2, static (l, a) => UpdateMaster(l, a[0], m =>
        {
            long epoch = RedisNumbers.SaturateToLong(RedisNumbers.StrToULong(a[1]));
            m.Config = m.Config with { ConfigEpoch = epoch };
            RaiseCurrentEpoch(l.Draft, epoch);
            return null;
        }));
        Add("leader-epoch", After, 2, 2, static (l, a) => UpdateMaster(l, a[0], m =>
        {
            m.Config = m.Config with { LeaderEpoch = RedisNumbers.SaturateToLong(RedisNumbers.StrToULong(a[1])) };
            return null;
        }));
        SentinelDirectiveHandler knownReplica = static (l, a) => UpdateMaster(l, a[0], m =>
        {
            int port = RedisNumbers.Atoi(a[2]);
            if (CheckAddress(l.Draft, a[1], port) is { } error) return error;
            return m.TryAddReplica(new KnownReplica(a[1], port), ReplicaKey(l.Draft, a[1], port))
                ? null
                : "Duplicate hostname and port for replica.";
        });
        Add("known-replica", After, 3, 3, knownReplica);
        Add("known-slave", After, 3, 3, knownReplica);
        Add("known-sentinel", After, 3, 4, static (l, a) =>
        {
            // The old form without a run id is ignored, without even looking the master up.
            if (a.Count == 3) return null;
            return UpdateMaster(l, a[0], m =>
            {
                int port = RedisNumbers.Atoi(a[2]);
                if (CheckAddress(l.Draft, a[1], port) is { } error) return error;
                return m.TryAddSentinel(new KnownSentinel(a[1], port, a[3])) ? null : "Duplicate runid for sentinel.";
            });
        });

        return table;
    }

    private static string? UpdateMaster(ConfigLoader loader, string name, Func<MasterDraft, string?> update)
    {
        MasterDraft? master = loader.Draft.FindMaster(name);
        return master is null ? NoSuchMaster : update(master);
    }

    private static void RaiseCurrentEpoch(ConfigDraft draft, long epoch)
    {
        if (epoch > draft.Sentinel.CurrentEpoch) draft.Sentinel = draft.Sentinel with { CurrentEpoch = epoch };
    }

    /// <summary>
    /// The reference's instance address check. Without <c>resolve-hostnames</c> only a literal IP is
    /// accepted (it resolves numerically only); with it any name is accepted, even one that does not
    /// resolve yet — resolution is the host's business.
    /// </summary>
    private static string? CheckAddress(ConfigDraft draft, string host, int port)
    {
        if (port is < 0 or > 65535) return "Invalid port number.";
        if (!draft.Sentinel.ResolveHostnames && !IsIpLiteral(host)) return "Can't resolve instance hostname.";
        return null;
    }

    private static bool IsIpLiteral(string host) =>
        host.Length > 0 && host[0] != '[' && IPAddress.TryParse(host, out _);

    /// <summary>
    /// Replicas are keyed by their announced address: the name itself with <c>announce-hostnames</c>,
    /// else the IP in canonical form (so 127.0.0.1 and 127.0.0.001 are the same replica).
    /// </summary>
    private static string ReplicaKey(ConfigDraft draft, string host, int port)
    {
        string address = !draft.Sentinel.AnnounceHostnames && IPAddress.TryParse(host, out IPAddress? ip)
            ? ip.ToString()
            : host.ToLowerInvariant();
        return $"{address}:{port}";
    }
}
