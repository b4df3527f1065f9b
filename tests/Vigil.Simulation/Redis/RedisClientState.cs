namespace Vigil.Simulation.Redis;

/// <summary>What a Redis server keeps per client connection.</summary>
internal sealed class RedisClientState
{
    public string? Name { get; set; }

    /// <summary>Subscribed to at least one channel: a pub/sub client (<c>CLIENT KILL TYPE pubsub</c>).</summary>
    public HashSet<string> Channels { get; } = new(StringComparer.Ordinal);
    public bool IsPubSub => Channels.Count > 0;

    public bool InMulti { get; set; }

    /// <summary>A command was rejected while queueing: EXEC answers EXECABORT.</summary>
    public bool MultiDirty { get; set; }
    public List<string[]> Queued { get; } = [];

    /// <summary>Commands held back by CLIENT PAUSE or a blocking command; they run in order once it ends.</summary>
    public Queue<string[]> Postponed { get; } = new();

    /// <summary>A blocking command (WAIT) has not answered yet: nothing else runs for this client.</summary>
    public bool Blocked { get; set; }
}
