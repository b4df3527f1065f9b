namespace Vigil.Migration.Reporting;

/// <summary>
/// Progress for the operator: on a terminal one line rewritten in place; otherwise (a log, a pipe) a plain
/// line now and then, so a log is not flooded.
/// </summary>
public sealed class ProgressDisplay(TextWriter output, bool live)
{
    /// <summary>How often a plain progress line is printed when the output is not a terminal.</summary>
    public static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(2);

    private DateTime _lastPlainUtc = DateTime.MinValue;
    private bool _liveLineShown;

    public bool Live => live;

    /// <summary>The current state; shown now on a terminal, or when the plain interval has passed.</summary>
    public void Show(string status)
    {
        if (live)
        {
            output.Write("\r" + status + "\u001b[K");
            output.Flush();
            _liveLineShown = true;
            return;
        }
        var now = DateTime.UtcNow;
        if (now - _lastPlainUtc < PlainInterval) return;
        _lastPlainUtc = now;
        output.WriteLine(status);
    }

    /// <summary>A line that stays, printed below the live line (which is ended first).</summary>
    public void Line(string text)
    {
        EndLive();
        output.WriteLine(text);
    }

    public void EndLive()
    {
        if (!_liveLineShown) return;
        output.WriteLine();
        _liveLineShown = false;
    }
}
