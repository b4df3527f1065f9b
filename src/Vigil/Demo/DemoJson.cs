using System.Text.Json;

namespace Vigil.Demo;

/// <summary>The figures as one JSON object on one line, for the benchmark scripts (no reflection: NativeAOT).</summary>
internal static class DemoJson
{
    public static void Write(Stream output, DemoFigures figures, string? keptDir)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("sentinel", figures.Sentinel);
        json.WriteString("fault", figures.Fault.ToString().ToLowerInvariant());
        json.WriteNumber("downAfterMs", figures.DownAfterMs);
        Number(json, "sdownMs", figures.SdownMs);
        Number(json, "odownMs", figures.OdownMs);
        Number(json, "switchMasterFirstMs", figures.SwitchMasterFirstMs);
        Number(json, "switchMasterLastMs", figures.SwitchMasterLastMs);
        Number(json, "failoverEndMs", figures.FailoverEndMs);
        Number(json, "unavailableMs", figures.UnavailableMs);
        json.WriteNumber("writesAcked", figures.WritesAcked);
        json.WriteNumber("writeErrors", figures.WriteErrors);
        Number(json, "ackedLost", figures.AckedLost);
        json.WriteBoolean("oldMasterRejoined", figures.OldMasterRejoined);
        json.WriteBoolean("converged", figures.Converged);
        if (figures.Problem is not null) json.WriteString("problem", figures.Problem);
        if (keptDir is not null) json.WriteString("dir", keptDir);
        json.WriteEndObject();
        json.Flush();
        output.Write("\n"u8);
        output.Flush();
    }

    private static void Number(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v) json.WriteNumber(name, Math.Round(v, 1));
        else json.WriteNull(name);
    }
}
