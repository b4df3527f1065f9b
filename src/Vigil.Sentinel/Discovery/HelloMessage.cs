using System.Globalization;
using Vigil.Sentinel.Text;

namespace Vigil.Sentinel.Discovery;

/// <summary>
/// The hello payload (compatibility-rules §4.1): <c>ip,port,runid,current-epoch,master-name,master-ip,master-port,master-config-epoch</c>.
/// Numbers are read as leniently as the reference reads them (<c>atoi</c>, <c>strtoull</c>).
/// </summary>
internal sealed record HelloMessage(
    string SentinelHost,
    int SentinelPort,
    string RunId,
    long CurrentEpoch,
    string MasterName,
    string MasterHost,
    int MasterPort,
    long MasterConfigEpoch)
{
    private const int FieldCount = 8;

    public string Format() => string.Join(',',
        SentinelHost,
        SentinelPort.ToString(CultureInfo.InvariantCulture),
        RunId,
        CurrentEpoch.ToString(CultureInfo.InvariantCulture),
        MasterName,
        MasterHost,
        MasterPort.ToString(CultureInfo.InvariantCulture),
        MasterConfigEpoch.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// Null unless the payload has exactly eight comma-separated fields. Its texts come from <paramref name="texts"/>,
    /// so a repeated hello allocates only its record.
    /// </summary>
    public static HelloMessage? TryParse(ReadOnlySpan<char> payload, TextInterner texts)
    {
        Span<Range> fields = stackalloc Range[FieldCount + 1];
        if (payload.Split(fields, ',') != FieldCount) return null;
        return new HelloMessage(
            texts.Get(payload[fields[0]]),
            RedisNumbers.AtoiSaturating(payload[fields[1]]),
            texts.Get(payload[fields[2]]),
            Epoch(payload[fields[3]]),
            texts.Get(payload[fields[4]]),
            texts.Get(payload[fields[5]]),
            RedisNumbers.AtoiSaturating(payload[fields[6]]),
            Epoch(payload[fields[7]]));
    }

    /// <summary>
    /// Epochs are unsigned on the wire; one beyond <see cref="long.MaxValue"/> (or a negative one, which
    /// <c>strtoull</c> wraps) is clamped rather than allowed to wrap our signed epochs.
    /// </summary>
    private static long Epoch(ReadOnlySpan<char> text)
    {
        ulong value = RedisNumbers.StrToULong(text);
        return value > long.MaxValue ? long.MaxValue : (long)value;
    }
}
