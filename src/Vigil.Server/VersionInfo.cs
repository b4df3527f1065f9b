using System.Reflection;

namespace Vigil.Server;

public static class VersionInfo
{
    /// <summary>The Redis version Vigil is compatible with, as HELLO and INFO report it to clients.</summary>
    public const string RedisCompatibleVersion = "7.0.15";

    public static string Version { get; } =
        typeof(VersionInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";
}
