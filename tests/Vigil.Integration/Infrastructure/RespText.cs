using System.Globalization;
using System.Text;
using Vigil.Resp;

namespace Vigil.Integration.Infrastructure;

/// <summary>Renders a reply as one readable line, with types, so a mismatch shows where it is.</summary>
public static class RespText
{
    public static string Render(RespValue value)
    {
        var text = new StringBuilder();
        Append(text, value);
        return text.ToString();
    }

    private static void Append(StringBuilder text, RespValue value)
    {
        switch (value)
        {
            case RespSimpleString s: text.Append('+').Append(s.Text); break;
            case RespError e: text.Append('-').Append(e.Text); break;
            case RespInteger i: text.Append(':').Append(i.Value.ToString(CultureInfo.InvariantCulture)); break;
            case RespBulkString b: text.Append('"').Append(b.Text.Replace("\r\n", "\\r\\n", StringComparison.Ordinal)).Append('"'); break;
            case RespNull n: text.Append(n.IsNullArray ? "(nil-array)" : "(nil)"); break;
            case RespDouble d: text.Append(',').Append(d.Value.ToString(CultureInfo.InvariantCulture)); break;
            case RespBoolean b: text.Append(b.Value ? "#t" : "#f"); break;
            case RespBigNumber n: text.Append('(').Append(n.Digits); break;
            case RespVerbatimString v: text.Append('=').Append(v.Format).Append(':').Append(v.Text); break;
            case RespArray a: AppendItems(text, "[", a.Items, "]"); break;
            case RespSet s: AppendItems(text, "~{", s.Items, "}"); break;
            case RespPush p: AppendItems(text, ">[", p.Items, "]"); break;
            case RespMap m:
                text.Append("%{");
                for (var i = 0; i < m.Entries.Count; i++)
                {
                    if (i > 0) text.Append(", ");
                    Append(text, m.Entries[i].Key);
                    text.Append(": ");
                    Append(text, m.Entries[i].Value);
                }
                text.Append('}');
                break;
            case RespAttributed a: text.Append("|attr "); Append(text, a.Attributes); text.Append(' '); Append(text, a.Value); break;
            default: text.Append(value.GetType().Name); break;
        }
    }

    private static void AppendItems(StringBuilder text, string open, IReadOnlyList<RespValue> items, string close)
    {
        text.Append(open);
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0) text.Append(", ");
            Append(text, items[i]);
        }
        text.Append(close);
    }
}
