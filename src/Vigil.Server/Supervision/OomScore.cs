using System.Globalization;
using Vigil.Server.Logging;

namespace Vigil.Server.Supervision;

/// <summary>
/// <c>oom-score-adj</c>: at start the sentinel sets how willing the Linux OOM killer is to pick it, as redis-sentinel
/// does. <c>absolute</c> writes the first <c>oom-score-adj-values</c> entry; <c>relative</c> adds it to the score the
/// process started with; both are clamped to -1000..1000. A failure is logged and the sentinel goes on, as in Redis.
/// </summary>
public static class OomScore
{
    private const string ScoreFile = "/proc/self/oom_score_adj";
    private const int Limit = 1000;

    public static void Apply(string mode, int value, SentinelLog log)
    {
        if (mode == "no" || !OperatingSystem.IsLinux()) return;
        try
        {
            var score = value;
            if (mode == "relative") score += int.Parse(File.ReadAllText(ScoreFile).Trim(), CultureInfo.InvariantCulture);
            File.WriteAllText(ScoreFile, Math.Clamp(score, -Limit, Limit).ToString(CultureInfo.InvariantCulture) + "\n");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            log.Warning($"Unable to write oom_score_adj: {ex.Message}");
        }
    }
}
