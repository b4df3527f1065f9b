using System.Diagnostics.CodeAnalysis;

namespace Vigil.Sentinel.Config;

/// <summary>Either the parsed configuration or the first error, never both.</summary>
public sealed record ConfigParseResult
{
    private ConfigParseResult(SentinelConfig? config, ConfigError? error)
    {
        Config = config;
        Error = error;
    }

    public SentinelConfig? Config { get; }
    public ConfigError? Error { get; }

    [MemberNotNullWhen(true, nameof(Config))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess
    {
        get
        {
            if (Config is not null) return true;
            if (Error is not null) return false;
            throw new InvalidOperationException("A parse result holds either a config or an error.");
        }
    }

    public static ConfigParseResult Success(SentinelConfig config) => new(config, null);

    public static ConfigParseResult Failure(ConfigError error) => new(null, error);
}
