using System.Text;

namespace Vigil.Resp;

/// <summary>
/// One RESP2/RESP3 value. A closed set of sealed records; consumers switch on the type.
/// Strings that may hold arbitrary bytes (bulk strings) keep their bytes; the rest are text.
/// </summary>
public abstract record RespValue
{
    private protected RespValue() { }

    public static RespValue Ok { get; } = new RespSimpleString("OK");
    public static RespValue NullValue { get; } = new RespNull();

    public static RespBulkString Bulk(string text) => new(Encoding.UTF8.GetBytes(text));
    public static RespBulkString Bulk(long number) => Bulk(number.ToString(System.Globalization.CultureInfo.InvariantCulture));
    public static RespError Error(string text) => new(text);
    public static RespInteger Integer(long value) => new(value);
    public static RespArray Array(params RespValue[] items) => new(items);
}

/// <summary><c>+text</c></summary>
public sealed record RespSimpleString(string Text) : RespValue;

/// <summary><c>-ERR text</c> (RESP2/3) or the blob error <c>!</c> (RESP3). Text excludes the leading '-'.</summary>
public sealed record RespError(string Text) : RespValue;

/// <summary><c>:n</c></summary>
public sealed record RespInteger(long Value) : RespValue;

/// <summary><c>$n</c> bulk string. A RESP2 null bulk (<c>$-1</c>) is read as <see cref="RespNull"/>.</summary>
public sealed record RespBulkString(byte[] Bytes) : RespValue
{
    public string Text => Encoding.UTF8.GetString(Bytes);
    public bool Equals(RespBulkString? other) => other is not null && Bytes.AsSpan().SequenceEqual(other.Bytes);
    public override int GetHashCode() => Bytes.Length;
}

/// <summary><c>*n</c> array. A RESP2 null array (<c>*-1</c>) is read as <see cref="RespNull"/>.</summary>
public sealed record RespArray(IReadOnlyList<RespValue> Items) : RespValue
{
    public bool Equals(RespArray? other) => other is not null && Items.SequenceEqual(other.Items);
    public override int GetHashCode() => Items.Count;
}

/// <summary>RESP3 <c>_</c>; also what the reader gives for RESP2 <c>$-1</c> and <c>*-1</c>.</summary>
public sealed record RespNull : RespValue
{
    /// <summary>How a RESP2 writer spells this null: <c>$-1</c> (bulk) or <c>*-1</c> (array).</summary>
    public bool IsNullArray { get; init; }
}

/// <summary>RESP3 <c>%n</c> map; written as a flat array under RESP2.</summary>
public sealed record RespMap(IReadOnlyList<KeyValuePair<RespValue, RespValue>> Entries) : RespValue
{
    public bool Equals(RespMap? other) => other is not null && Entries.SequenceEqual(other.Entries);
    public override int GetHashCode() => Entries.Count;
}

/// <summary>RESP3 <c>~n</c> set; written as an array under RESP2.</summary>
public sealed record RespSet(IReadOnlyList<RespValue> Items) : RespValue
{
    public bool Equals(RespSet? other) => other is not null && Items.SequenceEqual(other.Items);
    public override int GetHashCode() => Items.Count;
}

/// <summary>RESP3 <c>&gt;n</c> push; written as an array under RESP2 (pub/sub messages).</summary>
public sealed record RespPush(IReadOnlyList<RespValue> Items) : RespValue
{
    public bool Equals(RespPush? other) => other is not null && Items.SequenceEqual(other.Items);
    public override int GetHashCode() => Items.Count;
}

/// <summary>RESP3 <c>,d</c>; written as a bulk string under RESP2.</summary>
public sealed record RespDouble(double Value) : RespValue;

/// <summary>RESP3 <c>#t</c>/<c>#f</c>; written as integer 1/0 under RESP2.</summary>
public sealed record RespBoolean(bool Value) : RespValue;

/// <summary>RESP3 <c>(n</c>; digits kept as text. Written as a bulk string under RESP2.</summary>
public sealed record RespBigNumber(string Digits) : RespValue;

/// <summary>RESP3 <c>=n</c> verbatim string with a three-letter format (<c>txt</c>, <c>mkd</c>).</summary>
public sealed record RespVerbatimString(string Format, string Text) : RespValue;

/// <summary>RESP3 <c>|n</c> attribute map and the value it annotates.</summary>
public sealed record RespAttributed(RespMap Attributes, RespValue Value) : RespValue;
