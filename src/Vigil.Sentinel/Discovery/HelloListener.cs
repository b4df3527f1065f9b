using Vigil.Resp;
using Vigil.Sentinel.Links;

namespace Vigil.Sentinel.Discovery;

/// <summary>
/// Messages on a pub/sub link: any message proves the link alive; <c>["message", channel, payload]</c> whose payload
/// does not contain our own run id is a hello.
/// </summary>
internal sealed class HelloListener(CoreClock clock, MonitorState monitored, HelloProcessor hello)
{
    public void OnMessage(InstanceLink link, RespValue message)
    {
        link.PubSubLastActivityMs = clock.NowMs;
        if (HelloPayload(message) is not { } text || text.Contains(monitored.MyId, StringComparison.Ordinal)) return;
        hello.Process(text);
    }

    /// <summary>The payload of a <c>message</c> push (RESP2 array or RESP3 push), or null for anything else.</summary>
    public static string? HelloPayload(RespValue message)
    {
        IReadOnlyList<RespValue>? items = message switch
        {
            RespArray array => array.Items,
            RespPush push => push.Items,
            _ => null,
        };
        return items is [RespBulkString kind, RespBulkString, RespBulkString payload] && kind.Text == "message" ? payload.Text : null;
    }
}
