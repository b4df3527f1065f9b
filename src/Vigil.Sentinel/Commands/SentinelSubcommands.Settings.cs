using Vigil.Resp;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.Monitoring;
using Vigil.Sentinel.State;
using Vigil.Sentinel.Text;

namespace Vigil.Sentinel.Commands;

// SENTINEL SET (per master) and SENTINEL CONFIG GET/SET (sentinel-wide), compatibility-rules §10.3.
internal sealed partial class SentinelSubcommands
{
    /// <summary>What applying one SET option came to.</summary>
    private readonly record struct SetOutcome(RespError? Error = null, int? BadValueIndex = null, bool Redacted = false)
    {
        public static SetOutcome Ok => default;
        public static SetOutcome BadValue(int index) => new(BadValueIndex: index);
    }

    private sealed record SetOption(string Name, int ValueCount, Func<MasterRecord, IReadOnlyList<string>, SetOutcome> Apply);

    private const string ScriptsDenied =
        "ERR Reconfiguration of scripts path is denied for security reasons. Check the deny-scripts-reconfig configuration directive in your Sentinel configuration";

    private IReadOnlyList<SetOption>? _setOptions;

    /// <summary>The SET options, their value counts and rules.</summary>
    private IReadOnlyList<SetOption> SetOptions => _setOptions ??=
    [
        new("down-after-milliseconds", 1, (m, v) => PositiveNumber(v[0], n => m.Settings = m.Settings with { DownAfterMs = n })),
        new("failover-timeout", 1, (m, v) => PositiveNumber(v[0], n => m.Settings = m.Settings with { FailoverTimeoutMs = n })),
        new("parallel-syncs", 1, (m, v) => PositiveNumber(v[0], n => m.Settings = m.Settings with { ParallelSyncs = ClampToInt(n) })),
        new("notification-script", 1, (m, v) => Script(v[0], "ERR Notification script seems non existing or non executable",
            path => m.Settings = m.Settings with { NotificationScript = path })),
        new("client-reconfig-script", 1, (m, v) => Script(v[0], "ERR Client reconfiguration script seems non existing or non executable",
            path => m.Settings = m.Settings with { ClientReconfigScript = path })),
        new("auth-pass", 1, (m, v) =>
        {
            m.Settings = m.Settings with { AuthPass = v[0].Length > 0 ? v[0] : null };
            DropDataNodeConnections(m);
            return new SetOutcome(Redacted: true);
        }),
        new("auth-user", 1, (m, v) =>
        {
            m.Settings = m.Settings with { AuthUser = v[0].Length > 0 ? v[0] : null };
            DropDataNodeConnections(m);
            return SetOutcome.Ok;
        }),
        new("quorum", 1, (m, v) => PositiveNumber(v[0], n => m.Settings = m.Settings with { Quorum = ClampToInt(n) })),
        new("rename-command", 2, RenameCommand),
        new("master-reboot-down-after-period", 1, (m, v) =>
        {
            if (!RedisNumbers.TryParseStrict(v[0], out long n) || n < 0) return SetOutcome.BadValue(0);
            m.Settings = m.Settings with { MasterRebootDownAfterPeriodMs = n };
            return SetOutcome.Ok;
        }),
        new("fence-writes", 1, (m, v) =>
        {
            if (YesNo(v[0]) is not { } on) return SetOutcome.BadValue(0);
            m.Settings = m.Settings with { FenceWrites = on };
            return SetOutcome.Ok;
        }),
        new("failover-damping", 1, (m, v) =>
        {
            if (!RedisNumbers.TryParseStrict(v[0], out long n) || n < 0) return SetOutcome.BadValue(0);
            m.Settings = m.Settings with { FailoverDampingMs = n };
            return SetOutcome.Ok;
        }),
    ];

    /// <summary>
    /// Options apply left to right, each emitting <c>+set</c>. On the first error that error is the reply, but the
    /// earlier changes stay and are saved (as in the reference). A save that fails is reported only when every
    /// option applied.
    /// </summary>
    private RespValue HandleSet(IReadOnlyList<string> args)
    {
        if (FindMaster(args[1]) is not { } master) return Errors.NoSuchMaster;
        int changes = 0;
        RespError? failure = null;
        for (int j = 2; j < args.Count; j++)
        {
            string option = args[j];
            int available = args.Count - 1 - j;
            var row = SetOptions.FirstOrDefault(o => o.Name.Equals(option, StringComparison.OrdinalIgnoreCase) && available >= o.ValueCount);
            if (row is null)
            {
                failure = new RespError($"ERR Unknown option or number of arguments for SENTINEL SET '{option}'");
                break;
            }
            var values = args.Skip(j + 1).Take(row.ValueCount).ToList();
            j += row.ValueCount;
            var outcome = row.Apply(master, values);
            if (outcome.BadValueIndex is { } bad)
            {
                failure = new RespError($"ERR Invalid argument '{values[bad]}' for SENTINEL SET '{option}'");
                break;
            }
            if (outcome.Error is not null)
            {
                failure = outcome.Error;
                break;
            }
            changes++;
            string shown = outcome.Redacted ? "******" : string.Join(' ', values);
            _events.About(LogLevel.Warning, "+set", master, $" {option} {shown}");
        }
        if (changes > 0) _effects.RequestReportedPersist(RequestId);
        return failure ?? RespValue.Ok;
    }

    private static SetOutcome PositiveNumber(string text, Action<long> apply)
    {
        if (!RedisNumbers.TryParseStrict(text, out long n) || n <= 0) return SetOutcome.BadValue(0);
        apply(n);
        return SetOutcome.Ok;
    }

    private static int ClampToInt(long n) => (int)Math.Min(n, int.MaxValue);

    /// <summary>Script paths change only when deny-scripts-reconfig is off; "" clears, anything else must be executable.</summary>
    private SetOutcome Script(string path, string notExecutable, Action<string?> apply)
    {
        if (_settings.Config.Sentinel.DenyScriptsReconfig) return new SetOutcome(Error: new RespError(ScriptsDenied));
        if (path.Length > 0 && !ExecutablePaths.Contains(path)) return new SetOutcome(Error: new RespError(notExecutable));
        apply(path.Length > 0 ? path : null);
        return SetOutcome.Ok;
    }

    /// <summary>Both names non-empty; replaces any earlier mapping of the command; renaming to itself unmaps it.</summary>
    private static SetOutcome RenameCommand(MasterRecord master, IReadOnlyList<string> values)
    {
        string command = values[0], renamedTo = values[1];
        if (command.Length == 0 || renamedTo.Length == 0) return SetOutcome.BadValue(renamedTo.Length > 0 ? 0 : 1);
        var renames = master.Settings.RenameCommands
            .Where(r => !r.Command.Equals(command, StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (!command.Equals(renamedTo, StringComparison.OrdinalIgnoreCase)) renames.Add(new CommandRename(command, renamedTo));
        master.Settings = master.Settings with { RenameCommands = renames };
        return SetOutcome.Ok;
    }

    /// <summary>New credentials take effect on fresh connections to the master and its replicas.</summary>
    private void DropDataNodeConnections(MasterRecord master)
    {
        _links.CloseAll(master.Link);
        foreach (var replica in master.Replicas.Values) _links.CloseAll(replica.Link);
    }
}
