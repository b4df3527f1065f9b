using System.Text;
using System.Text.Json;
using Vigil.Migration.Links;

namespace Vigil.Migration.Reporting;

/// <summary>
/// The file a running migration keeps up to date so <c>vigil migrate abort</c> can find it: its process id,
/// phase, source and targets. No secrets. Written with a temp file, fsync and rename; removed at the end.
/// </summary>
public sealed record MigrationStateFile(int Pid, MigrationPhase Phase, string Source, IReadOnlyList<string> Targets)
{
    public void Save(string path)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("pid", Pid);
            json.WriteString("phase", Phase.ToString().ToLowerInvariant());
            json.WriteString("source", Source);
            json.WriteStartArray("targets");
            foreach (var target in Targets) json.WriteStringValue(target);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        AtomicFile.Write(path, buffer.ToArray());
    }

    public static MigrationStateFile? Load(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            var phase = Enum.Parse<MigrationPhase>(root.GetProperty("phase").GetString() ?? "", ignoreCase: true);
            return new MigrationStateFile(
                root.GetProperty("pid").GetInt32(), phase, root.GetProperty("source").GetString() ?? "",
                [.. root.GetProperty("targets").EnumerateArray().Select(t => t.GetString() ?? "")]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException
            or InvalidOperationException or ArgumentException or FormatException)
        {
            return null;
        }
    }

    public IEnumerable<RedisEndpoint> TargetEndpoints =>
        Targets.Select(t => RedisEndpoint.TryParse(t, out var e) ? e : null).OfType<RedisEndpoint>();

    public static void Delete(string path)
    {
        try { File.Delete(path); } catch (IOException) { }
    }
}

/// <summary>Writes a whole file or nothing: temp file beside it, fsync, rename; readable by the owner only.</summary>
public static class AtomicFile
{
    public static void Write(string path, byte[] bytes)
    {
        var full = Path.GetFullPath(path);
        var temp = full + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(temp, options))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, full, overwrite: true);
    }

    public static void Write(string path, string text) => Write(path, Encoding.UTF8.GetBytes(text));
}
