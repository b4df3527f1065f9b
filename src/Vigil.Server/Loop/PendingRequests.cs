using System.Collections.Concurrent;
using Vigil.Sentinel;

namespace Vigil.Server.Loop;

/// <summary>The answer to a client request, and the loop step in which the core handled the request.</summary>
public readonly record struct RequestAnswer(Effect Answer, long HandledAtStep);

/// <summary>
/// Client requests posted to the loop and not yet answered, by request id. Sessions add them from their own
/// threads; the loop notes the step that handles each and completes it when the core's answer leaves.
/// </summary>
public sealed class PendingRequests
{
    private readonly ConcurrentDictionary<long, Pending> _pending = new();
    private long _lastId;

    public (long Id, Task<RequestAnswer> Answer) Add()
    {
        long id = Interlocked.Increment(ref _lastId);
        var pending = new Pending();
        _pending[id] = pending;
        return (id, pending.Completion.Task);
    }

    /// <summary>The request is being handled in <paramref name="step"/> (on the loop).</summary>
    public void Handling(long id, long step)
    {
        if (_pending.TryGetValue(id, out var pending)) pending.HandledAtStep = step;
    }

    /// <summary>The core answered (a <see cref="Reply"/> or an <see cref="ObservationReply"/>).</summary>
    public void Complete(long id, Effect answer)
    {
        if (_pending.TryRemove(id, out var pending)) pending.Completion.SetResult(new RequestAnswer(answer, pending.HandledAtStep));
    }

    /// <summary>A request the loop will never handle (it stopped).</summary>
    public void Cancel(long id)
    {
        if (_pending.TryRemove(id, out var pending)) pending.Completion.SetCanceled();
    }

    private sealed class Pending
    {
        public TaskCompletionSource<RequestAnswer> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public long HandledAtStep { get; set; }
    }
}
