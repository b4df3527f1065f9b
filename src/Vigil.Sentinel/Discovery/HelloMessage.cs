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
    public string Format() => string.Join(',',
        SentinelHost,
        SentinelPort.ToString(CultureInfo.InvariantCulture),
        RunId,
        CurrentEpoch.ToString(CultureInfo.InvariantCulture),
        MasterName,
        MasterHost,
        MasterPort.ToString(CultureInfo.InvariantCulture),
        MasterConfigEpoch.ToString(CultureInfo.InvariantCulture));

    /// <summary>Null unless the payload has exactly eight comma-separated fields.</summary>
    public static HelloMessage? TryParse(string payload)
    {
        var fields = payload.Split(',');
        if (fields.Length != 8) return null;
        return new HelloMessage(
            fields[0],
            RedisNumbers.AtoiSaturating(fields[1]),
            fields[2],
            Epoch(fields[3]),
            fields[4],
            fields[5],
            RedisNumbers.AtoiSaturating(fields[6]),
            Epoch(fields[7]));
    }

    /// <summary>The master-name field of a payload with exactly eight fields, without splitting it; empty otherwise.</summary>
    public static ReadOnlySpan<char> MasterNameField(string payload)
    {
        ReadOnlySpan<char> rest = payload;
        ReadOnlySpan<char> name = default;
        for (int field = 0; field < 7; field++)
        {
            int comma = rest.IndexOf(',');
            if (comma < 0) return default;
            if (field == 4) name = rest[..comma];
            rest = rest[(comma + 1)..];
        }
        return rest.Contains(',') ? default : name;
    }

    /// <summary>
    /// Epochs are unsigned on the wire; one beyond <see cref="long.MaxValue"/> (or a negative one, which
    /// <c>strtoull</c> wraps) is clamped rather than allowed to wrap our signed epochs.
    /// </summary>
    private static long Epoch(string text)
    {
        ulong value = RedisNumbers.StrToULong(text);
        return value > long.MaxValue ? long.MaxValue : (long)value;
    }
}
