using System.Collections.Concurrent;

namespace Vigil.Proxy;

/// <summary>Every connection being forwarded, so a fenced backend's connections and stalled clients can be closed.</summary>
public sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<ForwardedConnection, byte> _connections = new();

    public int Count => _connections.Count;

    /// <summary>Registers a connection; false (and the connection is closed) when its backend was fenced meanwhile.</summary>
    public bool Add(ForwardedConnection connection)
    {
        _connections.TryAdd(connection, 0);
        // Fence() sets the flag before CloseAll walks the registry: a connection added after that walk sees the flag here.
        if (!connection.Backend.Fenced) return true;
        Remove(connection);
        connection.Close();
        return false;
    }

    public void Remove(ForwardedConnection connection) => _connections.TryRemove(connection, out _);

    /// <summary>Closes every connection forwarded to <paramref name="backend"/>; how many there were.</summary>
    public int CloseAll(Backend backend)
    {
        var closed = 0;
        foreach (var connection in _connections.Keys)
        {
            if (connection.Backend == backend && connection.Close()) closed++;
        }
        return closed;
    }

    /// <summary>Closes every connection whose client has left replies unread for <paramref name="stallMs"/>; how many.</summary>
    public int CloseStalled(long nowMs, long stallMs)
    {
        var closed = 0;
        foreach (var connection in _connections.Keys)
        {
            if (connection.ClientStalledSince(nowMs) >= stallMs && connection.Close()) closed++;
        }
        return closed;
    }

    public void CloseEverything()
    {
        foreach (var connection in _connections.Keys) connection.Close();
    }
}
