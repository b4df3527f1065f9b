using System.Text;

namespace Vigil.Resp.Tests.Support;

/// <summary>Seeded generator of nested RESP values, covering every type the model has.</summary>
internal sealed class RandomValues(int seed)
{
    private static readonly string[] Words = ["", "OK", "PONG", "master", "é", "日本", "a b", "x:y", "🙂", "-1", "0"];

    private readonly Random random = new(seed);

    public Random Random => random;

    /// <summary>A value that survives a RESP3 write and read unchanged.</summary>
    public RespValue Next(int maxDepth = 4)
    {
        var kind = random.Next(maxDepth > 0 ? 15 : 10);
        return kind switch
        {
            0 => new RespSimpleString(Text(allowLineBreaks: false)),
            1 => new RespError(Text(allowLineBreaks: random.Next(3) == 0)),
            2 => new RespInteger(Integer()),
            3 => new RespBulkString(Bytes()),
            4 => new RespNull(),
            5 => new RespDouble(Double()),
            6 => new RespBoolean(random.Next(2) == 0),
            7 => new RespBigNumber((random.Next(2) == 0 ? "-" : "") + Digits()),
            8 => new RespVerbatimString(random.Next(2) == 0 ? "txt" : "mkd", Text(allowLineBreaks: true)),
            9 => new RespBulkString([]),
            10 => new RespArray(Items(maxDepth)),
            11 => new RespMap(Entries(maxDepth)),
            12 => new RespSet(Items(maxDepth)),
            13 => new RespPush(Items(maxDepth)),
            _ => new RespAttributed(new RespMap(Entries(maxDepth)), Next(maxDepth - 1)),
        };
    }

    private RespValue[] Items(int maxDepth)
    {
        var items = new RespValue[random.Next(0, 5)];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = Next(maxDepth - 1);
        }
        return items;
    }

    private KeyValuePair<RespValue, RespValue>[] Entries(int maxDepth)
    {
        var entries = new KeyValuePair<RespValue, RespValue>[random.Next(0, 4)];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = new(Next(maxDepth - 1), Next(maxDepth - 1));
        }
        return entries;
    }

    private string Text(bool allowLineBreaks)
    {
        var builder = new StringBuilder();
        var parts = random.Next(0, 4);
        for (var i = 0; i < parts; i++)
        {
            builder.Append(Words[random.Next(Words.Length)]);
            if (allowLineBreaks && random.Next(3) == 0)
            {
                builder.Append(random.Next(2) == 0 ? "\r\n" : "\n");
            }
        }
        return builder.ToString();
    }

    private byte[] Bytes()
    {
        var bytes = new byte[random.Next(0, 40)];
        random.NextBytes(bytes);
        // Plant protocol bytes so payloads look like frames.
        if (bytes.Length > 2 && random.Next(2) == 0)
        {
            bytes[random.Next(bytes.Length - 1)] = (byte)'\r';
            bytes[random.Next(bytes.Length)] = (byte)'\n';
        }
        return bytes;
    }

    private long Integer() => random.Next(4) switch
    {
        0 => long.MinValue,
        1 => long.MaxValue,
        2 => random.Next(-1000, 1000),
        _ => random.NextInt64(long.MinValue, long.MaxValue),
    };

    private double Double() => random.Next(6) switch
    {
        0 => double.PositiveInfinity,
        1 => double.NegativeInfinity,
        2 => double.NaN,
        3 => -0.0,
        4 => random.Next(-100, 100) / 4.0,
        _ => BitConverter.Int64BitsToDouble(random.NextInt64()) is var d && double.IsFinite(d) ? d : 1.5,
    };

    private string Digits()
    {
        var builder = new StringBuilder();
        builder.Append((char)('1' + random.Next(9)));
        var more = random.Next(0, 40);
        for (var i = 0; i < more; i++)
        {
            builder.Append((char)('0' + random.Next(10)));
        }
        return builder.ToString();
    }
}
