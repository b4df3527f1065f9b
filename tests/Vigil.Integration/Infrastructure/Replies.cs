using Vigil.Resp;

namespace Vigil.Integration.Infrastructure;

/// <summary>Reads SENTINEL instance objects (flat name/value arrays in RESP2) as ordered field lists.</summary>
public static class Replies
{
    public static IReadOnlyList<KeyValuePair<string, string>> Fields(RespValue instance)
    {
        var items = instance switch
        {
            RespArray array => array.Items,
            _ => throw new InvalidOperationException("not an instance object: " + RespText.Render(instance)),
        };
        var fields = new List<KeyValuePair<string, string>>();
        for (var i = 0; i + 1 < items.Count; i += 2)
        {
            fields.Add(new(((RespBulkString)items[i]).Text, ((RespBulkString)items[i + 1]).Text));
        }
        return fields;
    }

    public static IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>> List(RespValue reply) =>
        reply is RespArray array ? [.. array.Items.Select(Fields)] : throw new InvalidOperationException(RespText.Render(reply));

    public static string Field(IReadOnlyList<KeyValuePair<string, string>> fields, string name) =>
        fields.First(f => f.Key == name).Value;
}
