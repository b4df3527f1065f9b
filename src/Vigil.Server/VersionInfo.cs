using System.Reflection;

namespace Vigil.Server;

public static class VersionInfo
{
    /// <summary>The Redis version Vigil is compatible with by default (see <see cref="RedisCompatibility"/>).</summary>
    public static string RedisCompatibleVersion => RedisCompatibility.Redis70.Version;

    public static string Version { get; } =
        typeof(VersionInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";
}
