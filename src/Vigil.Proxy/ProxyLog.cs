using System.Globalization;
using System.Threading.Channels;

namespace Vigil.Proxy;

/// <summary>
/// Timestamped event lines, written to <paramref name="output"/> (stderr) by a task of their own: a line is
/// often logged from a socket continuation running on the socket engine's thread, which must never wait for a
/// slow or full stderr pipe. Beyond <see cref="MaxQueuedLines"/> unwritten lines the oldest are dropped.
/// </summary>
public sealed class ProxyLog : IAsyncDisposable
{
    private const int MaxQueuedLines = 10_000;

    private readonly Channel<string> _lines = Channel.CreateBounded<string>(
        new BoundedChannelOptions(MaxQueuedLines) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly TextWriter _output;
    private readonly Task _writer;

    public ProxyLog(TextWriter output)
    {
        _output = output;
        _writer = Task.Run(WriteLinesAsync);
    }

    public void Write(string message) =>
        _lines.Writer.TryWrite(DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) + " " + message);

    private async Task WriteLinesAsync()
    {
        await foreach (var line in _lines.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            _output.WriteLine(line);
            if (_lines.Reader.Count == 0) _output.Flush();
        }
        _output.Flush();
    }

    /// <summary>Writes every line logged so far, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _lines.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }
}
