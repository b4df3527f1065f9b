using System.Text;
using Vigil.Resp;
using Vigil.Sentinel;

namespace Vigil.Simulation.Tracing;

/// <summary>Short human-readable forms of RESP values, core inputs and effects for trace lines.</summary>
internal static class TraceFormat
{
    private const int MaxTextLength = 160;

    public static string Describe(object what) => what switch
    {
        RespValue value => Resp(value),
        SendCommand send => $"send #{send.Link.Value} {Words(send.Args)}",
        OpenLink open => $"open #{open.Link.Value} {open.Host}:{open.Port} {open.Role}",
        CloseLink close => $"close #{close.Link.Value}",
        PublishEvent e => $"event {e.Channel} {e.Message}",
        Log log => $"log {log.Level}: {Clip(log.Message)}",
        PersistState persist => $"persist epoch={persist.State.CurrentEpoch} "
            + string.Join(' ', persist.State.Masters.Select(m => $"{m.Name}@{m.Address.Host}:{m.Address.Port}/e{m.ConfigEpoch}/v{m.LeaderEpoch}")),
        Exit exit => $"exit {exit.Code} {exit.Reason}",
        LinkReply reply => $"reply #{reply.Link.Value} {Resp(reply.Reply)}",
        LinkConnected connected => $"connected #{connected.Link.Value}",
        LinkClosed closed => $"closed #{closed.Link.Value} {closed.Reason}",
        Tick tick => $"tick local={tick.NowMs}",
        IReadOnlyList<string> words => Words(words),
        _ => what.ToString() ?? "",
    };

    public static string Words(IReadOnlyList<string> words) => Clip(string.Join(' ', words));

    public static string Resp(RespValue value)
    {
        var sb = new StringBuilder();
        Append(sb, value);
        return Clip(sb.ToString());
    }

    private static void Append(StringBuilder sb, RespValue value)
    {
        switch (value)
        {
            case RespSimpleString s: sb.Append('+').Append(s.Text); break;
            case RespError e: sb.Append('-').Append(e.Text); break;
            case RespInteger i: sb.Append(':').Append(i.Value); break;
            case RespBulkString b:
                string text = b.Text;
                sb.Append('"').Append(text.Length > 60 ? text[..60].Replace("\r\n", "\\r\\n", StringComparison.Ordinal) + "..." : text.Replace("\r\n", "\\r\\n", StringComparison.Ordinal)).Append('"');
                break;
            case RespNull: sb.Append("(nil)"); break;
            case RespArray a: AppendItems(sb, a.Items); break;
            case RespPush p: AppendItems(sb, p.Items); break;
            case RespMap m:
                sb.Append('{');
                foreach (var (key, item) in m.Entries)
                {
                    Append(sb, key);
                    sb.Append('=');
                    Append(sb, item);
                    sb.Append(' ');
                }
                sb.Append('}');
                break;
            default: sb.Append(value); break;
        }
    }

    private static void AppendItems(StringBuilder sb, IReadOnlyList<RespValue> items)
    {
        sb.Append('[');
        for (int i = 0; i < items.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            Append(sb, items[i]);
        }
        sb.Append(']');
    }

    private static string Clip(string text) => text.Length > MaxTextLength ? text[..MaxTextLength] + "..." : text;
}
