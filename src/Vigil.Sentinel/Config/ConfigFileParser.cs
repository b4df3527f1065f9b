namespace Vigil.Sentinel.Config;

/// <summary>Parses sentinel.conf text into <see cref="SentinelConfig"/>. (Being written.)</summary>
public static class ConfigFileParser
{
}
