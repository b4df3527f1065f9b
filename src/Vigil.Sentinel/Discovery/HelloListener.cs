using System.Text;
using Vigil.Resp;
using Vigil.Sentinel.Links;
using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Discovery;

/// <summary>
/// Messages on a pub/sub link: any message proves the link alive; <c>["message", channel, payload]</c> whose payload
/// does not contain our own run id is a hello.
/// </summary>
/// <remarks>
/// A fleet's hellos arrive thousands of times a second: a payload is read from its bytes into a buffer kept here
/// rather than into a new string each time.
/// </remarks>
internal sealed class HelloListener(CoreClock clock, MonitorState monitored, HelloProcessor hello)
{
    private char[] _text = new char[256];
    private string _idOf = "";
    private byte[] _idBytes = [];

    /// <summary>
    /// Any reply or message on a pub/sub link. Returns the master whose state a hello changed (see
    /// <see cref="HelloProcessor.Process"/>); the link's own activity only puts its health check later.
    /// </summary>
    public MasterRecord? OnMessage(InstanceLink link, RespValue message)
    {
        link.PubSubLastActivityMs = clock.NowMs;
        if (HelloPayload(message) is not { } payload || payload.AsSpan().IndexOf(MyIdBytes()) >= 0) return null;
        return hello.Process(TextOf(payload));
    }

    /// <summary>The payload of a <c>message</c> push (RESP2 array or RESP3 push), or null for anything else.</summary>
    public static byte[]? HelloPayload(RespValue message)
    {
        IReadOnlyList<RespValue>? items = message switch
        {
            RespArray array => array.Items,
            RespPush push => push.Items,
            _ => null,
        };
        return items is [RespBulkString kind, RespBulkString, RespBulkString payload] && kind.Bytes.AsSpan().SequenceEqual("message"u8)
            ? payload.Bytes
            : null;
    }

    /// <summary>The payload as text, valid until the next call (a UTF-8 payload has at most as many chars as bytes).</summary>
    private ReadOnlySpan<char> TextOf(byte[] payload)
    {
        if (_text.Length < payload.Length) _text = new char[payload.Length];
        return _text.AsSpan(0, Encoding.UTF8.GetChars(payload, _text));
    }

    private byte[] MyIdBytes()
    {
        if (!ReferenceEquals(_idOf, monitored.MyId))
        {
            _idOf = monitored.MyId;
            _idBytes = Encoding.UTF8.GetBytes(_idOf);
        }
        return _idBytes;
    }
}
