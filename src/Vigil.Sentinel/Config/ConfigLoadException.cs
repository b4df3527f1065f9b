namespace Vigil.Sentinel.Config;

/// <summary>
/// Stops loading at the first bad line, from however deep in the include chain it is;
/// <see cref="ConfigFileParser"/> turns it into a failed <see cref="ConfigParseResult"/>.
/// </summary>
internal sealed class ConfigLoadException(ConfigError error) : Exception(error.Message)
{
    public ConfigError Error { get; } = error;
}
