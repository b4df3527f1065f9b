using System.Globalization;
using Vigil.Resp;

namespace Vigil.Proxy;

/// <summary>Reads the sentinel replies the proxy relies on: field lists (SENTINEL MASTER/REPLICAS), ROLE, pushed messages.</summary>
public static class RespFields
{
    public static string? Text(RespValue value) => value switch
    {
        RespBulkString bulk => bulk.Text,
        RespSimpleString simple => simple.Text,
        RespVerbatimString verbatim => verbatim.Text,
        RespInteger integer => integer.Value.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };

    public static IReadOnlyList<RespValue> Items(RespValue value) => value switch
    {
        RespArray array => array.Items,
        RespPush push => push.Items,
        RespSet set => set.Items,
        _ => [],
    };

    /// <summary>A flat name/value array (RESP2) or a map (RESP3) as a dictionary.</summary>
    public static Dictionary<string, string> Fields(RespValue value)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (value is RespMap map)
        {
            foreach (var (key, item) in map.Entries)
            {
                if (Text(key) is { } name && Text(item) is { } text) fields[name] = text;
            }
            return fields;
        }
        var items = Items(value);
        for (var i = 0; i + 1 < items.Count; i += 2)
        {
            if (Text(items[i]) is { } name && Text(items[i + 1]) is { } text) fields[name] = text;
        }
        return fields;
    }

    /// <summary>The role a ROLE reply names: <c>master</c>, <c>slave</c> or <c>sentinel</c>; null for anything else.</summary>
    public static string? Role(RespValue reply)
    {
        var items = Items(reply);
        return items.Count > 0 ? Text(items[0]) : null;
    }

    /// <summary>The address of a SENTINEL MASTER/REPLICAS entry, from its <c>ip</c> and <c>port</c> fields.</summary>
    public static HostPort? Address(Dictionary<string, string> fields) =>
        fields.TryGetValue("ip", out var ip) && fields.TryGetValue("port", out var portText)
            && int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? new HostPort(ip, port)
            : null;

    /// <summary>True when a SENTINEL REPLICAS entry may take reads: not subjectively/objectively down, linked to its master.</summary>
    public static bool IsHealthyReplica(Dictionary<string, string> fields)
    {
        var flags = fields.GetValueOrDefault("flags", "").Split(',');
        return !flags.Contains("s_down") && !flags.Contains("o_down") && !flags.Contains("disconnected")
            && fields.GetValueOrDefault("master-link-status", "ok") == "ok";
    }
}
