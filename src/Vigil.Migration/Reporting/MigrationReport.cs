using System.Text.Json;

namespace Vigil.Migration.Reporting;

/// <summary>What a migration did, for <c>--json</c>: phases with timestamps, bytes, lag, write pause, keys.</summary>
public sealed class MigrationReport
{
    private readonly List<(string Name, DateTime StartUtc, DateTime? EndUtc)> _phases = [];
    private readonly Dictionary<int, long> _rdbBytes = [];
    private readonly Dictionary<int, double> _inSyncSeconds = [];

    public string? Source { get; set; }
    public IReadOnlyList<string> Targets { get; set; } = [];
    public string Cutover { get; set; } = "none";
    public string Result { get; set; } = "running";
    public string? Error { get; set; }
    public long SourceKeys { get; set; }
    public long SourceUsedMemoryBytes { get; set; }
    public long? LagBytesAtCutover { get; set; }
    public double? LagSecondsAtCutover { get; set; }
    public double? WritePauseMs { get; set; }

    /// <summary>With --stream-seconds: the lag while streaming in sync, highest and mean of the samples.</summary>
    public double? SteadyLagSecondsMax { get; set; }
    public double? SteadyLagSecondsMean { get; set; }
    public long? SteadyLagBytesMax { get; set; }

    /// <summary>The cutover's steps during the write pause, each with the milliseconds since the pause was asked for.</summary>
    public List<(string Step, double AtMs)> PauseSteps { get; } = [];
    public long? NewMasterKeys { get; set; }
    public string? NewMaster { get; set; }

    public void Begin(string phase)
    {
        End();
        _phases.Add((phase, DateTime.UtcNow, null));
    }

    public void End()
    {
        if (_phases.Count > 0 && _phases[^1].EndUtc is null) _phases[^1] = _phases[^1] with { EndUtc = DateTime.UtcNow };
    }

    public double? PhaseSeconds(string phase) =>
        _phases.Where(p => p.Name == phase && p.EndUtc is not null).Select(p => (p.EndUtc!.Value - p.StartUtc).TotalSeconds).Cast<double?>().FirstOrDefault();

    public void NoteRdbBytes(int target, long bytes) => _rdbBytes[target] = Math.Max(_rdbBytes.GetValueOrDefault(target), bytes);

    /// <summary>The first time a target was seen in sync, in seconds since its REPLICAOF was sent.</summary>
    public void NoteInSync(int target, double seconds) => _inSyncSeconds.TryAdd(target, seconds);

    public void Save(string path)
    {
        End();
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("result", Result);
            if (Error is not null) json.WriteString("error", Error);
            if (Source is not null) json.WriteString("source", Source);
            json.WriteStartArray("targets");
            for (var i = 0; i < Targets.Count; i++)
            {
                json.WriteStartObject();
                json.WriteString("address", Targets[i]);
                json.WriteNumber("rdbBytes", _rdbBytes.GetValueOrDefault(i));
                Number(json, "inSyncSeconds", _inSyncSeconds.TryGetValue(i, out var seconds) ? seconds : null);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteString("cutover", Cutover);
            if (NewMaster is not null) json.WriteString("newMaster", NewMaster);
            json.WriteNumber("sourceKeys", SourceKeys);
            json.WriteNumber("sourceUsedMemoryBytes", SourceUsedMemoryBytes);
            Number(json, "lagBytesAtCutover", LagBytesAtCutover);
            Number(json, "lagSecondsAtCutover", LagSecondsAtCutover);
            Number(json, "writePauseMs", WritePauseMs);
            Number(json, "steadyLagSecondsMax", SteadyLagSecondsMax);
            Number(json, "steadyLagSecondsMean", SteadyLagSecondsMean);
            Number(json, "steadyLagBytesMax", SteadyLagBytesMax);
            Number(json, "newMasterKeys", NewMasterKeys);
            json.WriteStartArray("pauseSteps");
            foreach (var (step, atMs) in PauseSteps)
            {
                json.WriteStartObject();
                json.WriteString("step", step);
                json.WriteNumber("atMs", Math.Round(atMs, 3));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("phases");
            foreach (var (name, start, end) in _phases)
            {
                json.WriteStartObject();
                json.WriteString("name", name);
                json.WriteString("start", start.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                if (end is { } e)
                {
                    json.WriteString("end", e.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                    json.WriteNumber("seconds", Math.Round((e - start).TotalSeconds, 3));
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        AtomicFile.Write(path, buffer.ToArray());
    }

    private static void Number(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v) json.WriteNumber(name, Math.Round(v, 3));
        else json.WriteNull(name);
    }
}
