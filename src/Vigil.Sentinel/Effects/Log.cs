using Vigil.Sentinel.Config;

namespace Vigil.Sentinel;

/// <summary>Write one log line. The core has already filtered by the configured <c>loglevel</c>.</summary>
public sealed record Log(LogLevel Level, string Message) : Effect;
