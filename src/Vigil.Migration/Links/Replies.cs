using System.Globalization;
using Vigil.Resp;

namespace Vigil.Migration.Links;

/// <summary>Reads the reply shapes migrate needs, without throwing on anything unexpected.</summary>
public static class Replies
{
    public static string? Text(RespValue? value) => value switch
    {
        RespBulkString bulk => bulk.Text,
        RespSimpleString simple => simple.Text,
        RespInteger integer => integer.Value.ToString(CultureInfo.InvariantCulture),
        RespError error => error.Text,
        _ => null,
    };

    public static long? Integer(RespValue? value) => value switch
    {
        RespInteger integer => integer.Value,
        _ => long.TryParse(Text(value), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null,
    };

    public static IReadOnlyList<RespValue> Items(RespValue? value) => value switch
    {
        RespArray array => array.Items,
        RespPush push => push.Items,
        RespSet set => set.Items,
        _ => [],
    };

    public static bool IsOk(RespValue? value) => value is RespSimpleString { Text: "OK" };

    /// <summary>A flat <c>field value field value</c> reply (SENTINEL REPLICAS entries, CONFIG GET) as a dictionary.</summary>
    public static Dictionary<string, string> Fields(RespValue? value)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var items = Items(value);
        for (var i = 0; i + 1 < items.Count; i += 2)
        {
            if (Text(items[i]) is { } name) fields[name] = Text(items[i + 1]) ?? "";
        }
        return fields;
    }
}
