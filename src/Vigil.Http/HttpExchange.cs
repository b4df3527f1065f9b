using System.Net.Sockets;
using System.Text;

namespace Vigil.Http;

/// <summary>
/// One request and its answer on a connection of <see cref="HttpServer"/>. An answer is either whole
/// (<see cref="RespondAsync(int, string, ReadOnlyMemory{byte}, string[])"/>: length known, the connection may serve
/// the next request) or a stream (<see cref="StartStreamAsync"/>: written until either side ends it, then the
/// connection closes). Every write must finish within the server's write timeout or the connection is dropped, so a
/// client that stops reading holds nothing but its own socket.
/// </summary>
internal sealed class HttpExchange : IDisposable
{
    private const string CommonHeaders = "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n";

    private readonly Socket _socket;
    private readonly HttpRequestHead _head;
    private readonly TimeSpan _writeTimeout;
    private readonly CancellationToken _stopping;
    private CancellationTokenSource? _streamEnd;

    public HttpExchange(Socket socket, HttpRequestHead head, TimeSpan writeTimeout, CancellationToken stopping)
    {
        _socket = socket;
        _head = head;
        _writeTimeout = writeTimeout;
        _stopping = stopping;
        Aborted = stopping;
    }

    public HttpRequestHead Request => _head;
    public bool IsGet => _head.Method == "GET";
    public bool IsHead => _head.Method == "HEAD";

    /// <summary>Set once an answer has been started.</summary>
    public bool Responded { get; private set; }

    /// <summary>The connection is to close after this answer.</summary>
    public bool Closes { get; private set; }

    /// <summary>Cancelled when the client goes away during a stream, or when the server stops.</summary>
    public CancellationToken Aborted { get; private set; }

    /// <summary>A whole answer; <paramref name="headers"/> are extra <c>Name: value</c> lines.</summary>
    public Task RespondAsync(int status, string contentType, ReadOnlyMemory<byte> body, params string[] headers)
    {
        Closes = _head.WantsClose || _head.HasBody;
        var text = Head(status, headers);
        text.Append("Content-Type: ").Append(contentType).Append("\r\nContent-Length: ").Append(body.Length).Append("\r\n");
        if (Closes) text.Append("Connection: close\r\n");
        text.Append("\r\n");
        byte[] headBytes = Encoding.ASCII.GetBytes(text.ToString());
        if (IsHead || body.IsEmpty) return WriteAsync(headBytes);
        return WriteTwoAsync(headBytes, body);
    }

    public Task RespondAsync(int status, string contentType, string body, params string[] headers) =>
        RespondAsync(status, contentType, Encoding.UTF8.GetBytes(body), headers);

    /// <summary>Starts an answer of unknown length (server-sent events); the connection closes after it.</summary>
    public async Task StartStreamAsync(string contentType)
    {
        Closes = true;
        var text = Head(200, []);
        text.Append("Content-Type: ").Append(contentType).Append("\r\nConnection: close\r\n\r\n");
        await WriteAsync(Encoding.ASCII.GetBytes(text.ToString())).ConfigureAwait(false);
        // Nothing more is expected from the client; its end of the connection closing (a read returning) ends the stream.
        _streamEnd = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        Aborted = _streamEnd.Token;
        _ = WatchClientAsync(_streamEnd);
    }

    public void Dispose() => _streamEnd?.Dispose();

    /// <summary>Writes part of a stream; throws <see cref="OperationCanceledException"/> once the stream has ended.</summary>
    public Task WriteStreamAsync(string text) => WriteAsync(Encoding.UTF8.GetBytes(text));

    private StringBuilder Head(int status, string[] headers)
    {
        if (Responded) throw new InvalidOperationException("the request was already answered");
        Responded = true;
        var text = new StringBuilder(256);
        text.Append("HTTP/1.1 ").Append(status).Append(' ').Append(Reason(status)).Append("\r\n").Append(CommonHeaders);
        foreach (string header in headers) text.Append(header).Append("\r\n");
        return text;
    }

    private async Task WriteTwoAsync(byte[] first, ReadOnlyMemory<byte> second)
    {
        await WriteAsync(first).ConfigureAwait(false);
        await WriteAsync(second).ConfigureAwait(false);
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> bytes)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Aborted);
        timeout.CancelAfter(_writeTimeout);
        try
        {
            while (!bytes.IsEmpty)
            {
                int sent = await _socket.SendAsync(bytes, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                bytes = bytes[sent..];
            }
        }
        catch (SocketException ex)
        {
            throw new OperationCanceledException("the client went away", ex);
        }
    }

    private async Task WatchClientAsync(CancellationTokenSource aborted)
    {
        try
        {
            var scrap = new byte[64];
            while (await _socket.ReceiveAsync(scrap, SocketFlags.None, aborted.Token).ConfigureAwait(false) > 0)
            {
                // Bytes sent during a stream are ignored; only the end of the connection matters.
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        try { await aborted.CancelAsync().ConfigureAwait(false); }
        catch (ObjectDisposedException) { }
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        _ => "Status",
    };
}
