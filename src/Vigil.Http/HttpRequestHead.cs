using System.Text;

namespace Vigil.Http;

/// <summary>
/// The parts of an HTTP/1.x request head that a read-only endpoint looks at. Anything that is not a well-formed
/// origin-form request line followed by <c>Name: value</c> lines is refused (400) rather than guessed at.
/// </summary>
internal sealed class HttpRequestHead
{
    public required string Method { get; init; }
    public required string Path { get; init; }
    public string? Query { get; init; }
    public string? Authorization { get; init; }

    /// <summary>HTTP/1.0 without keep-alive, or <c>Connection: close</c>.</summary>
    public bool WantsClose { get; init; }

    /// <summary>A body follows the head (never read: the connection closes after the answer).</summary>
    public bool HasBody { get; init; }

    /// <summary>The one value of a query parameter; null when it is absent or given more than once.</summary>
    public string? QueryValue(string name)
    {
        string? found = null;
        foreach (var pair in (Query ?? "").Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string key = eq < 0 ? pair : pair[..eq];
            if (!string.Equals(Unescape(key), name, StringComparison.Ordinal)) continue;
            if (found is not null) return null;
            found = eq < 0 ? "" : Unescape(pair[(eq + 1)..]);
        }
        return found;
    }

    private static string Unescape(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    /// <summary>Parses the head (without its closing empty line); null when it is malformed.</summary>
    public static HttpRequestHead? Parse(ReadOnlySpan<byte> head)
    {
        // Latin-1 keeps every byte one char, so nothing is lost or merged before the checks below.
        string text = Encoding.Latin1.GetString(head);
        string[] lines = text.Split("\r\n");
        string[] requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || requestLine[0].Length == 0 || !requestLine[1].StartsWith('/')) return null;
        string version = requestLine[2];
        if (version is not ("HTTP/1.1" or "HTTP/1.0")) return null;
        foreach (char c in requestLine[0]) if (c is < 'A' or > 'Z') return null;
        string? authorization = null;
        string? connection = null;
        bool hasBody = false;
        for (int i = 1; i < lines.Length; i++)
        {
            string line = lines[i];
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || line[..colon].Contains(' ', StringComparison.Ordinal)) return null;
            string name = line[..colon];
            string value = line[(colon + 1)..].Trim(' ', '\t');
            if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                if (authorization is not null) return null;
                authorization = value;
            }
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                connection = value;
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                || (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && value != "0"))
            {
                hasBody = true;
            }
        }
        string target = requestLine[1];
        int question = target.IndexOf('?', StringComparison.Ordinal);
        bool keepAlive = connection?.Contains("keep-alive", StringComparison.OrdinalIgnoreCase) == true;
        bool close = connection?.Contains("close", StringComparison.OrdinalIgnoreCase) == true;
        return new HttpRequestHead
        {
            Method = requestLine[0],
            Path = question < 0 ? target : target[..question],
            Query = question < 0 ? null : target[(question + 1)..],
            Authorization = authorization,
            WantsClose = close || (version == "HTTP/1.0" && !keepAlive),
            HasBody = hasBody,
        };
    }
}
