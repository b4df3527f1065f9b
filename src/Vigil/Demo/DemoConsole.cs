using System.Globalization;

namespace Vigil.Demo;

/// <summary>
/// Where the demo talks: the timeline and summary on stdout (stderr when stdout carries the JSON
/// figures), and a progress line that is redrawn in place while the demo waits, on a terminal only.
/// </summary>
internal sealed class DemoConsole(bool json)
{
    private readonly Lock _gate = new();
    private readonly TextWriter _out = json ? Console.Error : Console.Out;
    private readonly bool _interactive = !json && !Console.IsOutputRedirected;
    private int _progressLength;

    public void Line(string text)
    {
        lock (_gate)
        {
            ClearProgress();
            _out.WriteLine(text);
        }
    }

    /// <summary>One timeline entry: seconds since the fault, who, what.</summary>
    public void Timeline(double sinceFaultMs, string who, string what) =>
        Line(string.Create(CultureInfo.InvariantCulture, $"{sinceFaultMs / 1000,8:+0.000;-0.000} s  {who,-10}  {what}"));

    public void Progress(string text)
    {
        if (!_interactive) return;
        lock (_gate)
        {
            ClearProgress();
            _out.Write(text);
            _out.Flush();
            _progressLength = text.Length;
        }
    }

    public void EndProgress()
    {
        lock (_gate) ClearProgress();
    }

    private void ClearProgress()
    {
        if (_progressLength == 0) return;
        _out.Write("\r" + new string(' ', _progressLength) + "\r");
        _progressLength = 0;
    }
}
