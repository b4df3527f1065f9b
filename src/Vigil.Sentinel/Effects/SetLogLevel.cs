using Vigil.Sentinel.Config;

namespace Vigil.Sentinel;

/// <summary>
/// The <c>loglevel</c> in force changed (<c>SENTINEL CONFIG SET loglevel</c>, or a level saved in the state): the
/// host's own log lines follow it from now on.
/// </summary>
public sealed record SetLogLevel(LogLevel Level) : Effect;
