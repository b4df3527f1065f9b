namespace Vigil.Sentinel.Commands;

/// <summary>
/// SENTINEL commands held until the hostname they name has a current answer. The reference resolves the name while
/// it runs the command; the core asks the host instead and runs the command when the <see cref="HostnameResolved"/>
/// comes, so the client sees the same reply (or error text), only later. Its session waits for that reply, as it
/// waits for any other.
/// </summary>
internal sealed class RequestsAwaitingHostnames
{
    private readonly List<(string Hostname, SentinelRequest Request)> _waiting = [];

    public int Count => _waiting.Count;

    /// <summary>Holds <paramref name="request"/> until <paramref name="hostname"/> is answered; false when too many wait already.</summary>
    public bool Hold(string hostname, SentinelRequest request)
    {
        if (_waiting.Count >= Limits.MaxRequestsAwaitingHostnames) return false;
        _waiting.Add((hostname, request));
        return true;
    }

    /// <summary>The requests waiting for <paramref name="hostname"/>, in the order they came, no longer held.</summary>
    public List<SentinelRequest> Release(string hostname)
    {
        var released = new List<SentinelRequest>();
        _waiting.RemoveAll(w =>
        {
            if (!string.Equals(w.Hostname, hostname, StringComparison.OrdinalIgnoreCase)) return false;
            released.Add(w.Request);
            return true;
        });
        return released;
    }

    /// <summary>Every request still held (the process is gone: each gets its last answer).</summary>
    public List<SentinelRequest> ReleaseAll()
    {
        var all = _waiting.ConvertAll(w => w.Request);
        _waiting.Clear();
        return all;
    }
}
