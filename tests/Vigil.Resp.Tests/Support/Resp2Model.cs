namespace Vigil.Resp.Tests.Support;

/// <summary>What a value should read back as after a RESP2 write: the downgrade rules, stated independently.</summary>
internal static class Resp2Model
{
    public static RespValue Downgrade(RespValue value) => value switch
    {
        RespError error => new RespError(error.Text.Replace('\r', ' ').Replace('\n', ' ')),
        RespArray array => new RespArray(array.Items.Select(Downgrade).ToArray()),
        RespSet set => new RespArray(set.Items.Select(Downgrade).ToArray()),
        RespPush push => new RespArray(push.Items.Select(Downgrade).ToArray()),
        RespMap map => new RespArray(map.Entries.SelectMany(e => new[] { Downgrade(e.Key), Downgrade(e.Value) }).ToArray()),
        RespDouble number => RespValue.Bulk(DoubleText(number.Value)),
        RespBoolean flag => new RespInteger(flag.Value ? 1 : 0),
        RespBigNumber big => RespValue.Bulk(big.Digits),
        RespVerbatimString verbatim => RespValue.Bulk(verbatim.Text),
        RespAttributed attributed => Downgrade(attributed.Value),
        _ => value,
    };

    private static string DoubleText(double value)
    {
        Span<byte> text = stackalloc byte[40];
        var length = RespWriter.FormatDouble(value, text);
        return System.Text.Encoding.ASCII.GetString(text[..length]);
    }
}
