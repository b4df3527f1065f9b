using Vigil.Sentinel.Text;
using Vigil.Resp;
using Vigil.Server.Clients;

namespace Vigil.Server.PubSub;

/// <summary>
/// Channel and pattern subscriptions of the sentinel's own clients. The core's events are published
/// here with the event name as the channel. Delivery never waits for a client: a subscriber that
/// does not read is disconnected by the output buffer limit, as Redis does.
/// </summary>
public sealed class PubSubHub(ServerContext server)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<ClientSession>> _channels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<ClientSession>> _patterns = new(StringComparer.Ordinal);

    public int ChannelCount { get { lock (_gate) return _channels.Count; } }
    public int PatternCount { get { lock (_gate) return _patterns.Count; } }

    /// <summary>A copy of the session's channels and patterns, taken while no other thread changes them.</summary>
    public (string[] Channels, string[] Patterns) SubscriptionsOf(ClientSession session)
    {
        lock (_gate) return ([.. session.Channels], [.. session.Patterns]);
    }

    public bool Subscribe(ClientSession session, string channel) => Add(_channels, session.Channels, session, channel);
    public bool PSubscribe(ClientSession session, string pattern) => Add(_patterns, session.Patterns, session, pattern);
    public bool Unsubscribe(ClientSession session, string channel) => Remove(_channels, session.Channels, session, channel);
    public bool PUnsubscribe(ClientSession session, string pattern) => Remove(_patterns, session.Patterns, session, pattern);

    public void RemoveAll(ClientSession session)
    {
        lock (_gate)
        {
            foreach (var channel in session.Channels) RemoveLocked(_channels, session, channel);
            foreach (var pattern in session.Patterns) RemoveLocked(_patterns, session, pattern);
            session.Channels.Clear();
            session.Patterns.Clear();
        }
    }

    /// <summary>Delivers to every subscriber of the channel and every matching pattern; returns the receiver count.</summary>
    public int Publish(string channel, string message)
    {
        List<(ClientSession Session, string? Pattern)> receivers = [];
        lock (_gate)
        {
            if (_channels.TryGetValue(channel, out var direct))
            {
                foreach (var session in direct) receivers.Add((session, null));
            }
            foreach (var (pattern, sessions) in _patterns)
            {
                if (!GlobPattern.IsMatch(pattern, channel, ignoreCase: false)) continue;
                foreach (var session in sessions) receivers.Add((session, pattern));
            }
        }
        var channelValue = RespValue.Bulk(channel);
        var messageValue = RespValue.Bulk(message);
        foreach (var (session, pattern) in receivers)
        {
            RespValue push = pattern is null
                ? new RespPush([RespValue.Bulk("message"), channelValue, messageValue])
                : new RespPush([RespValue.Bulk("pmessage"), RespValue.Bulk(pattern), channelValue, messageValue]);
            session.Output.Write(push);
            session.Output.Flush();
            server.OutputLimits.Check(session);
        }
        return receivers.Count;
    }

    private bool Add(Dictionary<string, HashSet<ClientSession>> index, HashSet<string> own, ClientSession session, string name)
    {
        lock (_gate)
        {
            if (!own.Add(name)) return false;
            if (!index.TryGetValue(name, out var sessions)) index[name] = sessions = [];
            sessions.Add(session);
            return true;
        }
    }

    private bool Remove(Dictionary<string, HashSet<ClientSession>> index, HashSet<string> own, ClientSession session, string name)
    {
        lock (_gate)
        {
            if (!own.Remove(name)) return false;
            RemoveLocked(index, session, name);
            return true;
        }
    }

    private static void RemoveLocked(Dictionary<string, HashSet<ClientSession>> index, ClientSession session, string name)
    {
        if (!index.TryGetValue(name, out var sessions)) return;
        sessions.Remove(session);
        if (sessions.Count == 0) index.Remove(name);
    }
}
