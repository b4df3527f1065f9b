using System.Collections.Concurrent;

namespace Vigil.Server.Clients;

/// <summary>Every connected client by id; enforces <c>maxclients</c>.</summary>
public sealed class ClientRegistry(int maxClients)
{
    private readonly ConcurrentDictionary<long, ClientSession> _clients = new();
    private long _lastId;
    private long _totalConnections;
    private long _rejectedConnections;

    public int MaxClients { get; } = maxClients;
    public int Count => _clients.Count;
    public long TotalConnections => Interlocked.Read(ref _totalConnections);
    public long RejectedConnections => Interlocked.Read(ref _rejectedConnections);

    public long NextId() => Interlocked.Increment(ref _lastId);

    /// <summary>Adds the session unless the server is full (then the caller sends Redis's error and closes).</summary>
    public bool TryAdd(ClientSession session)
    {
        Interlocked.Increment(ref _totalConnections);
        if (_clients.Count >= MaxClients)
        {
            Interlocked.Increment(ref _rejectedConnections);
            return false;
        }
        _clients[session.Id] = session;
        return true;
    }

    public void Remove(ClientSession session) => _clients.TryRemove(session.Id, out _);

    public IEnumerable<ClientSession> All => _clients.Values.OrderBy(c => c.Id);

    public ClientSession? Find(long id) => _clients.GetValueOrDefault(id);
}
