using Vigil.Sentinel.Text;

namespace Vigil.Sentinel.Config;

/// <summary>
/// <c>client-output-buffer-limit &lt;class&gt; &lt;hard&gt; &lt;soft&gt; &lt;soft-seconds&gt;</c>, any number of groups
/// of four on one line. All groups are checked before any is applied, as in the reference.
/// </summary>
internal static class ClientOutputBufferLimits
{
    private const int GroupSize = 4;

    private enum ClientClass { Normal, Replica, PubSub }

    public static string? Apply(ConfigDraft draft, IReadOnlyList<string> values)
    {
        if (values.Count % GroupSize != 0) return "Wrong number of arguments in buffer limit configuration.";

        var parsed = new List<(ClientClass Class, OutputBufferLimit Limit)>(values.Count / GroupSize);
        for (int i = 0; i < values.Count; i += GroupSize)
        {
            ClientClass? clientClass = values[i].ToLowerInvariant() switch
            {
                "normal" => ClientClass.Normal,
                "replica" or "slave" => ClientClass.Replica,
                "pubsub" => ClientClass.PubSub,
                _ => null, // includes "master", which exists but cannot be limited
            };
            if (clientClass is null) return "Invalid client class specified in buffer limit configuration.";

            bool hardOk = RedisNumbers.TryParseMemory(values[i + 1], out ulong hardBytes);
            bool softOk = RedisNumbers.TryParseMemory(values[i + 2], out ulong softBytes);
            // The reference keeps the seconds in an int after strtoll.
            int softSeconds = unchecked((int)RedisNumbers.StrToLong(values[i + 3], 10, out bool secondsConsumed, out _));
            if (!hardOk || !softOk || softSeconds < 0 || !secondsConsumed)
                return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";

            parsed.Add((clientClass.Value, new OutputBufferLimit(
                RedisNumbers.SaturateToLong(hardBytes), RedisNumbers.SaturateToLong(softBytes), softSeconds)));
        }

        foreach ((ClientClass clientClass, OutputBufferLimit limit) in parsed)
        {
            draft.Server = clientClass switch
            {
                ClientClass.Normal => draft.Server with { NormalOutputBufferLimit = limit },
                ClientClass.Replica => draft.Server with { ReplicaOutputBufferLimit = limit },
                _ => draft.Server with { PubSubOutputBufferLimit = limit },
            };
        }
        return null;
    }
}
