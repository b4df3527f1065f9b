using System.Globalization;
using Vigil.Resp;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.State;
using Vigil.Sentinel.Text;

namespace Vigil.Sentinel.Commands;

// SENTINEL CONFIG GET/SET: the sentinel-wide options, several per call as redis-sentinel 7.2+ takes them.
internal sealed partial class SentinelSubcommands
{
    private static readonly RespError ConfigUsage =
        new("ERR Only SENTINEL CONFIG GET <param> [<param> <param> ...] / SET <param> <value> [<param> <value> ...] are supported.");

    /// <summary>Every parameter, in the order CONFIG GET lists them (loglevel only where the options allow it).</summary>
    private static readonly string[] AllConfigParameters =
        ["resolve-hostnames", "announce-hostnames", "announce-ip", "announce-port", "sentinel-user", "sentinel-pass", "loglevel"];

    private ReadOnlySpan<string> ConfigParameters =>
        _settings.Options.ConfigLogLevel ? AllConfigParameters : AllConfigParameters.AsSpan(0, AllConfigParameters.Length - 1);

    private RespValue HandleConfig(IReadOnlyList<string> args)
    {
        if (args.Count < 3) return Errors.WrongArity("sentinel|config");
        string action = args[1];
        if (action.Equals("set", StringComparison.OrdinalIgnoreCase) && args.Count >= 4) return ConfigSet(args);
        if (action.Equals("get", StringComparison.OrdinalIgnoreCase)) return ConfigGet(args);
        return ConfigUsage;
    }

    /// <summary>
    /// Each parameter matched by any of the (case-insensitive) globs, once, in the order the patterns first match
    /// it; a parameter matched by nothing is simply left out.
    /// </summary>
    private RespValue ConfigGet(IReadOnlyList<string> args)
    {
        var listed = new HashSet<string>(StringComparer.Ordinal);
        var entries = new List<KeyValuePair<RespValue, RespValue>>();
        for (int i = 2; i < args.Count; i++)
        {
            foreach (string parameter in ConfigParameters)
            {
                if (listed.Contains(parameter) || !GlobPattern.IsMatch(args[i], parameter, ignoreCase: true)) continue;
                listed.Add(parameter);
                entries.Add(new(RespValue.Bulk(parameter), RespValue.Bulk(ConfigValue(parameter))));
            }
        }
        return new RespMap(entries);
    }

    private string ConfigValue(string parameter)
    {
        var wide = _settings.Wide;
        return parameter switch
        {
            "resolve-hostnames" => wide.ResolveHostnames ? "yes" : "no",
            "announce-hostnames" => wide.AnnounceHostnames ? "yes" : "no",
            "announce-ip" => wide.AnnounceIp ?? "",
            "announce-port" => wide.AnnouncePort.ToString(CultureInfo.InvariantCulture),
            "sentinel-user" => wide.SentinelUser ?? "",
            "sentinel-pass" => wide.SentinelPass ?? "",
            _ => LogLevelNames.Name(wide.LogLevel),
        };
    }

    /// <summary>
    /// All or nothing: every name and value is checked first (unknown, repeated, value missing or invalid: the first
    /// problem is the reply and nothing changes), then all apply and are saved together. Changing sentinel-user/pass
    /// drops every peer connection so the new credentials are used. An empty announce-ip means "unset" here; the
    /// reference stores the empty string and then announces an empty IP, which makes every peer drop this sentinel.
    /// </summary>
    private RespValue ConfigSet(IReadOnlyList<string> args)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 2; i < args.Count; i += 2)
        {
            string option = args[i];
            if (!IsConfigParameter(option))
                return new RespError($"ERR Invalid argument '{option}' to SENTINEL CONFIG SET");
            if (!seen.Add(option)) return new RespError($"ERR Duplicate argument '{option}' to SENTINEL CONFIG SET");
            if (i + 1 == args.Count) return new RespError($"ERR Missing argument '{option}' value");
            if (!IsValidConfigValue(option.ToLowerInvariant(), args[i + 1]))
                return new RespError($"ERR Invalid value '{args[i + 1]}' to SENTINEL CONFIG SET '{option}'");
        }

        var wide = _settings.Wide;
        bool dropPeerConnections = false;
        for (int i = 2; i < args.Count; i += 2)
        {
            string value = args[i + 1];
            switch (args[i].ToLowerInvariant())
            {
                case "resolve-hostnames": wide = wide with { ResolveHostnames = YesNo(value)!.Value }; break;
                case "announce-hostnames": wide = wide with { AnnounceHostnames = YesNo(value)!.Value }; break;
                case "announce-ip": wide = wide with { AnnounceIp = value.Length > 0 ? value : null }; break;
                case "announce-port":
                    RedisNumbers.TryParseStrict(value, out long port);
                    wide = wide with { AnnouncePort = (int)port };
                    break;
                case "loglevel": wide = wide with { LogLevel = LogLevelNames.Parse(value)!.Value }; break;
                case "sentinel-user":
                    wide = wide with { SentinelUser = value.Length > 0 ? value : null };
                    dropPeerConnections = true;
                    break;
                case "sentinel-pass":
                    wide = wide with { SentinelPass = value.Length > 0 ? value : null };
                    dropPeerConnections = true;
                    break;
            }
        }
        ApplyWide(wide);
        _effects.RequestReportedPersist(RequestId);
        if (dropPeerConnections)
        {
            foreach (var master in _monitored.Masters.Values)
            {
                foreach (var peer in master.Peers.Values) _links.CloseAll(peer.Link);
            }
        }
        return RespValue.Ok;
    }

    private bool IsConfigParameter(string option)
    {
        foreach (string parameter in ConfigParameters)
        {
            if (parameter.Equals(option, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    private static bool IsValidConfigValue(string option, string value) => option switch
    {
        "resolve-hostnames" or "announce-hostnames" => YesNo(value) is not null,
        "announce-port" => RedisNumbers.TryParseStrict(value, out long port) && port is >= 0 and <= 65535,
        "loglevel" => LogLevelNames.Parse(value) is not null,
        _ => true,
    };

    private void ApplyWide(SentinelWideSettings wide)
    {
        bool levelChanged = wide.LogLevel != _settings.Wide.LogLevel;
        _settings.Wide = wide;
        _resolver.ResolveHostnames = wide.ResolveHostnames;
        if (levelChanged) _effects.Emit(new SetLogLevel(wide.LogLevel));
    }

    private static bool? YesNo(string value) =>
        value.Equals("yes", StringComparison.OrdinalIgnoreCase) ? true
        : value.Equals("no", StringComparison.OrdinalIgnoreCase) ? false
        : null;
}
