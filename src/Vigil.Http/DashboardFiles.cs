namespace Vigil.Http;

/// <summary>The dashboard's files, embedded in the binary at build time.</summary>
internal static class DashboardFiles
{
    public static byte[] Read(string name)
    {
        using var stream = typeof(DashboardFiles).Assembly.GetManifestResourceStream("Dashboard/" + name)
            ?? throw new InvalidOperationException($"dashboard file {name} is missing from the build");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
