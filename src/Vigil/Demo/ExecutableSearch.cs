namespace Vigil.Demo;

/// <summary>Finds programs: on the PATH, or this vigil itself.</summary>
internal static class ExecutableSearch
{
    /// <summary>The full path of <paramref name="name"/> (a bare name is looked up on the PATH), or null.</summary>
    public static string? Find(string name)
    {
        if (name.Contains('/', StringComparison.Ordinal)) return File.Exists(name) ? Path.GetFullPath(name) : null;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>
    /// How to start another process of this same vigil: the NativeAOT binary itself, or
    /// <c>dotnet vigil.dll</c> when it runs on the shared runtime.
    /// </summary>
    public static (string FileName, string[] PrefixArgs) Self()
    {
        var processPath = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this program is unknown");
        var isDotnetHost = Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        return isDotnetHost
            ? (processPath, [Path.Combine(AppContext.BaseDirectory, "vigil.dll")])
            : (processPath, []);
    }
}
