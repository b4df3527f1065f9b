using System.Globalization;

namespace Vigil.Proxy;

/// <summary>Timestamped event lines on one writer (stderr), safe from any thread.</summary>
public sealed class ProxyLog(TextWriter output)
{
    private readonly Lock _gate = new();

    public void Write(string message)
    {
        var line = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) + " " + message;
        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }
}
