using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Vigil.Sentinel.Config;

namespace Vigil.Server.Logging;

/// <summary>
/// <c>syslog-enabled yes</c>: every log line also goes to the local syslog socket as a datagram in the format
/// glibc's <c>syslog()</c> sends (<c>&lt;PRI&gt;Mmm dd hh:mm:ss ident[pid]: message</c>), with the facility of
/// <c>syslog-facility</c> and the reference's level map (debug, info, notice, warning). The message is the bare
/// text, without the pid/time prefix of the log file, as in the reference. A missing or full socket drops the
/// line, as syslog() does.
/// </summary>
public sealed class SyslogSink : IDisposable
{
    /// <summary>The socket syslog() writes to.</summary>
    public const string DefaultSocketPath = "/dev/log";

    /// <summary>Overrides <see cref="DefaultSocketPath"/>: for tests, and containers whose syslog socket is elsewhere.</summary>
    public const string SocketPathVariable = "VIGIL_SYSLOG_SOCKET";

    private readonly string _ident;
    private readonly int _facility;
    private readonly string _path;
    private readonly int _pid = Environment.ProcessId;
    private Socket? _socket;

    public SyslogSink(string ident, string facility, string? socketPath = null)
    {
        _ident = ident;
        _facility = FacilityCode(facility);
        string? overridden = Environment.GetEnvironmentVariable(SocketPathVariable);
        _path = socketPath ?? (string.IsNullOrEmpty(overridden) ? DefaultSocketPath : overridden);
    }

    /// <summary>Called under the log's lock.</summary>
    public void Send(LogLevel level, string message, DateTime now)
    {
        int priority = _facility * 8 + Severity(level);
        string datagram = string.Create(CultureInfo.InvariantCulture,
            $"<{priority}>{now:MMM} {now.Day,2} {now:HH:mm:ss} {_ident}[{_pid}]: {message}");
        try
        {
            _socket ??= Connect();
            _socket.Send(Encoding.UTF8.GetBytes(datagram));
        }
        catch (SocketException)
        {
            _socket?.Dispose();
            _socket = null;
        }
    }

    private Socket Connect()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(_path));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static int Severity(LogLevel level) => level switch
    {
        LogLevel.Debug => 7,
        LogLevel.Verbose => 6,
        LogLevel.Notice => 5,
        _ => 4,
    };

    /// <summary>user = 1, local0..local7 = 16..23 (the values of syslog.h).</summary>
    private static int FacilityCode(string facility) =>
        facility.StartsWith("local", StringComparison.Ordinal) && facility.Length == 6 && facility[5] is >= '0' and <= '7'
            ? 16 + (facility[5] - '0')
            : 1;

    public void Dispose() => _socket?.Dispose();
}
