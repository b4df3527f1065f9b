namespace Vigil.Sentinel.Scripts;

/// <summary>One queued script run: the path, its arguments, and where it stands (compatibility-rules §12).</summary>
internal sealed class ScriptJob(long id, string path, IReadOnlyList<string> args)
{
    public long Id { get; } = id;
    public string Path { get; } = path;
    public IReadOnlyList<string> Args { get; } = args;

    public bool IsRunning { get; set; }

    /// <summary>Process id once the host reports it; 0 before and between attempts.</summary>
    public int Pid { get; set; }

    /// <summary>Start of the running attempt, or earliest start of the next one (0 = at once).</summary>
    public long StartAtMs { get; set; }

    /// <summary>Attempts made so far (the reference's <c>retry_num</c>).</summary>
    public int Attempts { get; set; }

    /// <summary>A kill was requested for the running attempt because it ran too long.</summary>
    public bool KillRequested { get; set; }
}
