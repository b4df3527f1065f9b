using System.Globalization;
using Vigil.Sentinel.Config;

namespace Vigil.Server.Logging;

/// <summary>
/// Writes log lines in the reference's format, <c>pid:X dd Mon yyyy HH:mm:ss.fff c message</c>, to
/// stdout or to <c>logfile</c>, and to syslog when enabled. Never to stderr: tools that run sentinels (the upstream test suite
/// among them) treat any stderr output as a failure.
/// </summary>
public sealed class SentinelLog : IDisposable
{
    private readonly TextWriter _writer;
    private readonly bool _ownsWriter;
    private readonly Lock _gate = new();
    private readonly int _pid = Environment.ProcessId;

    private readonly SyslogSink? _syslog;

    public SentinelLog(string logFile, LogLevel minimumLevel, SyslogSink? syslog = null)
    {
        MinimumLevel = minimumLevel;
        _syslog = syslog;
        if (string.IsNullOrEmpty(logFile))
        {
            _writer = Console.Out;
        }
        else
        {
            var stream = new FileStream(logFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            _writer = new StreamWriter(stream) { AutoFlush = true };
            _ownsWriter = true;
        }
    }

    public LogLevel MinimumLevel { get; set; }

    public bool IsEnabled(LogLevel level) => level >= MinimumLevel && MinimumLevel != LogLevel.Nothing;

    public void Write(LogLevel level, string message)
    {
        if (!IsEnabled(level)) return;
        var now = DateTime.Now;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{_pid}:X {now:dd MMM yyyy HH:mm:ss.fff} {LevelChar(level)} {message}");
        lock (_gate)
        {
            _writer.WriteLine(line);
            _writer.Flush();
            _syslog?.Send(level, message, now);
        }
    }

    public void Warning(string message) => Write(LogLevel.Warning, message);
    public void Notice(string message) => Write(LogLevel.Notice, message);

    private static char LevelChar(LogLevel level) => level switch
    {
        LogLevel.Debug => '.',
        LogLevel.Verbose => '-',
        LogLevel.Notice => '*',
        _ => '#',
    };

    public void Dispose()
    {
        if (_ownsWriter) _writer.Dispose();
        _syslog?.Dispose();
    }
}
