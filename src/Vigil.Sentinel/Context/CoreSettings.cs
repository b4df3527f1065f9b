using Vigil.Sentinel.Config;
using Vigil.Sentinel.State;

namespace Vigil.Sentinel;

/// <summary>What the operator and the host set: the config file, the host's options, the timings, and the
/// sentinel-wide options in force (config plus CONFIG SET).</summary>
internal sealed class CoreSettings(SentinelConfig config, CoreOptions options)
{
    public SentinelConfig Config { get; } = config;
    public CoreOptions Options { get; } = options;
    public SentinelTimings Timings { get; } = new();

    public SentinelWideSettings Wide { get; set; } = new() { LogLevel = config.Server.LogLevel };

    public bool AnnounceHostnames => Wide.AnnounceHostnames;
}
