using System.Globalization;
using Vigil.Migration.Links;

namespace Vigil.Migration.Verification;

/// <summary>The options of <c>vigil migrate verify</c>.</summary>
public sealed record VerifyOptions
{
    public RedisEndpoint? Source { get; init; }
    public RedisEndpoint? Target { get; init; }

    /// <summary>Compare this many random keys of the source instead of every key of both.</summary>
    public int? Sample { get; init; }

    /// <summary>How far the two remaining times to live may differ (they are read a moment apart).</summary>
    public int TtlToleranceMs { get; init; } = 2000;

    public RedisCredentials? Credentials { get; init; }
    public string? JsonPath { get; init; }

    public static VerifyOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        var options = new VerifyOptions();
        var common = new CommonOptions();
        for (var i = 0; i < args.Count; i++)
        {
            if (common.TryTake(args, ref i, out error))
            {
                if (error is not null) return null;
                continue;
            }
            var name = args[i];
            if (name is not ("--source" or "--target" or "--sample" or "--ttl-tolerance" or "--json"))
            {
                error = $"unknown option '{name}' (vigil migrate --help)";
                return null;
            }
            if (i + 1 >= args.Count) { error = $"{name} needs a value"; return null; }
            var value = args[++i];
            switch (name)
            {
                case "--source":
                    if (!MigrateOptions.TryEndpoint(name, value, out var source, out error)) return null;
                    options = options with { Source = source };
                    break;
                case "--target":
                    if (!MigrateOptions.TryEndpoint(name, value, out var target, out error)) return null;
                    options = options with { Target = target };
                    break;
                case "--sample":
                    if (!MigrateOptions.TryPositive(value, out var sample)) { error = $"--sample needs a positive number of keys, not '{value}'"; return null; }
                    options = options with { Sample = sample };
                    break;
                case "--ttl-tolerance":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var tolerance)) { error = $"--ttl-tolerance needs milliseconds, not '{value}'"; return null; }
                    options = options with { TtlToleranceMs = tolerance };
                    break;
                default:
                    options = options with { JsonPath = value };
                    break;
            }
        }
        if (options.Source is null || options.Target is null) { error = "verify needs --source HOST:PORT and --target HOST:PORT"; return null; }
        if (!common.TryCredentials(out var credentials, out error)) return null;
        return options with { Credentials = credentials };
    }
}
