using System.Globalization;
using Vigil.Resp;

namespace Vigil.Demo;

/// <summary>Reads the few reply shapes the demo needs, without throwing on anything unexpected.</summary>
internal static class RespReplies
{
    public static string? Text(RespValue? value) => value switch
    {
        RespBulkString bulk => bulk.Text,
        RespSimpleString simple => simple.Text,
        RespInteger integer => integer.Value.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };

    public static IReadOnlyList<RespValue> Items(RespValue? value) => value switch
    {
        RespArray array => array.Items,
        RespPush push => push.Items,
        _ => [],
    };

    /// <summary>The port of a <c>SENTINEL GET-MASTER-ADDR-BY-NAME</c> reply, or null.</summary>
    public static int? AddressPort(RespValue reply)
    {
        var items = Items(reply);
        return items.Count == 2 && int.TryParse(Text(items[1]), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? port
            : null;
    }

    /// <summary>What a <c>ROLE</c> reply says: master, or a replica of which port and whether connected.</summary>
    public static NodeRole Role(RespValue reply)
    {
        var items = Items(reply);
        if (items.Count == 0) return NodeRole.Unknown;
        var role = Text(items[0]);
        if (role == "master") return NodeRole.Master;
        if (role == "slave" && items.Count >= 4
            && int.TryParse(Text(items[2]), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return new NodeRole("slave", port, Text(items[3]) == "connected");
        }
        return NodeRole.Unknown;
    }
}
