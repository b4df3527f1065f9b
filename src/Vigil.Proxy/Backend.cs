namespace Vigil.Proxy;

/// <summary>
/// A data node the proxy forwards to, as one decision: a new master (or a replica chosen again) is a new
/// object. Once fenced, no connection is forwarded to it any more and those it had are closed.
/// </summary>
public sealed class Backend(HostPort address, bool isMaster)
{
    private readonly TaskCompletionSource _fencedSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _fenced;

    public HostPort Address { get; } = address;
    public bool IsMaster { get; } = isMaster;
    public bool Fenced => _fenced;

    /// <summary>Completes when the backend is fenced: a connection waiting to retry it can move on at once.</summary>
    public Task FencedTask => _fencedSignal.Task;

    public void Fence()
    {
        _fenced = true;
        _fencedSignal.TrySetResult();
    }

    public override string ToString() => (IsMaster ? "master " : "replica ") + Address;
}
