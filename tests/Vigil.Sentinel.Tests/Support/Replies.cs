using Vigil.Resp;

namespace Vigil.Sentinel.Tests.Support;

/// <summary>Reading instance objects and other replies in assertions.</summary>
internal static class Replies
{
    public static Dictionary<string, string> Fields(RespValue value)
    {
        var map = Assert.IsType<RespMap>(value);
        return map.Entries.ToDictionary(e => Text(e.Key), e => Text(e.Value));
    }

    public static List<string> Values(RespValue value) => Assert.IsType<RespMap>(value).Entries.Select(e => Text(e.Value)).ToList();

    public static List<string> Keys(RespValue value) => Assert.IsType<RespMap>(value).Entries.Select(e => Text(e.Key)).ToList();

    public static string Text(RespValue value) => value switch
    {
        RespBulkString bulk => bulk.Text,
        RespSimpleString simple => simple.Text,
        RespError error => error.Text,
        RespInteger integer => integer.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => throw new Xunit.Sdk.XunitException($"not a text value: {value}"),
    };

    public static IReadOnlyList<RespValue> Items(RespValue value) => Assert.IsType<RespArray>(value).Items;

    public static string Error(RespValue value) => Assert.IsType<RespError>(value).Text;
}
