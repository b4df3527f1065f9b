namespace Vigil.Proxy;

/// <summary>The proxy's forwarding threads (<c>--io-threads</c>); new connections are spread over them in turn.</summary>
public sealed class ForwardingLoops : IDisposable
{
    private readonly ForwardingLoop[] _loops;
    private int _next;

    public ForwardingLoops(int count)
    {
        _loops = new ForwardingLoop[Math.Max(1, count)];
        for (var i = 0; i < _loops.Length; i++) _loops[i] = new ForwardingLoop($"vigil-proxy-io-{i}");
    }

    public ForwardingLoop Next() => _loops[(int)((uint)Interlocked.Increment(ref _next) % (uint)_loops.Length)];

    public void Dispose()
    {
        foreach (var loop in _loops) loop.Dispose();
    }
}
