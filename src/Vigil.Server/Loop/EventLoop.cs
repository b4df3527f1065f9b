using System.Collections.Concurrent;
using Vigil.Hosting;
using Vigil.Resp;
using Vigil.Sentinel;
using Vigil.Sentinel.Observation;

namespace Vigil.Server.Loop;

/// <summary>
/// The one thread that owns the core. Sockets, client sessions and scripts post inputs here through a queue; the
/// loop feeds them to the core through the <see cref="CoreDriver"/>, ticks the core when it asked to be woken, and
/// writes the state saved during a batch at its end, answering the core's save with a <see cref="StateSaved"/>.
/// </summary>
/// <remarks>
/// Every step (an input, a tick) is numbered: <see cref="Step"/> is raised before the core is touched, so an answer
/// computed during step N is known to still hold for as long as <see cref="Step"/> reads N (see
/// <see cref="Commands.MasterAddressCache"/>).
/// <para>The loop is a dedicated thread that sleeps on one event with the core's wake time as timeout. As an
/// async method on the pool it cost a timer per wait and a pool hand-off per input: most of an idle
/// sentinel's CPU time was the kernel waking threads (bench/README.md, scenario 4).</para>
/// </remarks>
public sealed class EventLoop
{
    private readonly ConcurrentQueue<Input> _inputs = new();
    private readonly ManualResetEventSlim _wake = new(false, spinCount: 0);
    private volatile bool _stopped;
    private readonly SentinelCore _core;
    private readonly Clock _clock;
    private readonly State.CoalescingStateStore _state;
    private readonly PendingRequests _requests;
    private readonly CoreDriver _driver;
    private long _step;

    /// <summary>Most queued inputs handled before the saves they caused are written (a save waits at most one batch).</summary>
    private const int MaxBatchItems = 1024;

    public EventLoop(SentinelCore core, Clock clock, EffectRunner effects, State.CoalescingStateStore state, PendingRequests requests)
    {
        _core = core;
        _clock = clock;
        _state = state;
        _requests = requests;
        _driver = new CoreDriver(core, effects);
    }

    /// <summary>The number of the step in progress or last completed; only the loop raises it.</summary>
    public long Step => Volatile.Read(ref _step);

    /// <summary>The loop's clock (monotonic ms), for stamping inputs.</summary>
    public long NowMs => _clock.NowMs;

    /// <summary>Queues an input for the core (from a link's socket task, a script's watcher).</summary>
    public void Post(Input input)
    {
        if (_stopped) return;
        _inputs.Enqueue(input);
        _wake.Set();
    }

    /// <summary>
    /// Queues a client's request and returns the core's answer. The core lets an answer out only after the saves it
    /// depends on are confirmed (a vote is on disk before the candidate hears of it), and answers one client's
    /// requests in the order they were queued.
    /// </summary>
    public async Task<RequestAnswer> RequestAsync(Func<long, long, ClientRequest> make)
    {
        var (id, answer) = _requests.Add();
        Post(make(_clock.NowMs, id));
        if (_stopped) _requests.Cancel(id);
        return await answer.ConfigureAwait(false);
    }

    /// <summary>A request whose answer is a <see cref="Reply"/>.</summary>
    public async Task<RespValue> ReplyAsync(Func<long, long, ClientRequest> make) =>
        ((Reply)(await RequestAsync(make).ConfigureAwait(false)).Answer).Value;

    /// <summary>What the core knows now (for the HTTP endpoint).</summary>
    public async Task<SentinelObservation> ObserveAsync() =>
        ((ObservationReply)(await RequestAsync((now, id) => new ObserveRequest(now, id)).ConfigureAwait(false)).Answer).Observation;

    /// <summary>Starts the loop's thread; the task ends when the thread does, after <paramref name="stopping"/>.</summary>
    public Task RunAsync(CancellationToken stopping)
    {
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Run(stopping);
                finished.SetResult();
            }
            catch (Exception ex)
            {
                finished.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "Vigil loop",
        };
        thread.Start();
        return finished.Task;
    }

    private void Run(CancellationToken stopping)
    {
        using var registration = stopping.Register(_wake.Set);
        BeginStep();
        _driver.Drain(); // what the core queued when it was built
        _driver.Feed(new Tick(_clock.NowMs));
        WriteSaves();
        while (!stopping.IsCancellationRequested)
        {
            var waitMs = Math.Clamp(_core.NextWakeMs - _clock.NowMs, 0, 1000);
            if (waitMs > 0 && _inputs.IsEmpty) _wake.Wait((int)waitMs);
            // Reset before draining: work queued from here on sets the event again, so none is left waiting.
            _wake.Reset();
            for (var done = 0; done < MaxBatchItems && _inputs.TryDequeue(out var input); done++)
            {
                BeginStep();
                if (input is ClientRequest request) _requests.Handling(request.RequestId, Step);
                _driver.Feed(input);
            }
            // After at most one batch: a burst of inputs must not starve the ticks (TILT would take the wait for
            // a clock jump). NextWakeMs is read once per batch, not per input: it visits every record.
            TickIfDue();
            WriteSaves();
        }
        _stopped = true;
        while (_inputs.TryDequeue(out var left))
        {
            if (left is ClientRequest request) _requests.Cancel(request.RequestId);
        }
    }

    private void TickIfDue()
    {
        if (_clock.NowMs < _core.NextWakeMs) return;
        BeginStep();
        _driver.Feed(new Tick(_clock.NowMs));
    }

    /// <summary>Writes the latest save of the batch and tells the core, which lets out what waited for it.</summary>
    private void WriteSaves()
    {
        // Letting out what waited may queue another save (a discovery save whose window reopened).
        while (_state.Flush() is { } saved)
        {
            BeginStep();
            _driver.Saved(saved.Seq, saved.Ok);
        }
    }

    // A full fence: a reader that sees the old number cannot have seen anything this step changed, and whatever
    // the step sends out (events, replies) leaves after the new number is visible.
    private void BeginStep() => Interlocked.Increment(ref _step);
}
