using System.Collections.Concurrent;
using Vigil.Hosting;
using Vigil.Resp;
using Vigil.Sentinel;
using Vigil.Sentinel.Observation;

namespace Vigil.Server.Loop;

/// <summary>
/// Owns the core. Sockets, client sessions and scripts post inputs; whoever posts feeds them to the core through the
/// <see cref="CoreDriver"/> at once when nobody else is driving it, otherwise queues them for the loop's thread, which
/// also ticks the core when it asked to be woken and writes the state saved during a batch, answering the core's
/// save with a <see cref="StateSaved"/>.
/// </summary>
/// <remarks>
/// Every step (an input, a tick) is numbered: <see cref="Step"/> is raised before the core is touched, so an answer
/// computed during step N is known to still hold for as long as <see cref="Step"/> reads N (see
/// <see cref="Commands.MasterAddressCache"/>).
/// <para>The loop is a dedicated thread that sleeps on one event with the core's wake time as timeout. As an
/// async method on the pool it cost a timer per wait and a pool hand-off per input: most of an idle
/// sentinel's CPU time was the kernel waking threads (bench/README.md, scenario 4).</para>
/// <para>An input is handled on the thread that read it (a socket's completion thread) when the core is free, as the
/// reference reads and acts on one thread: handing every PING reply to the loop's thread woke that thread once per
/// reply. Only what may block stays on the loop's thread: writing the state file (an fsync) and ticks, which it wakes
/// for on a grid of <see cref="WakeGridMs"/> so that the due times of many masters' PINGs share one wake.</para>
/// </remarks>
public sealed class EventLoop
{
    /// <summary>
    /// Timer wakes are rounded up to a multiple of this: a rule is acted on at most this late (the reference acts on a
    /// 100 ms timer). Work that is already due when an input is handled runs at once, on that input's thread.
    /// </summary>
    public const int WakeGridMs = 10;

    private readonly ConcurrentQueue<Input> _inputs = new();
    private readonly ManualResetEventSlim _wake = new(false, spinCount: 0);
    private volatile bool _stopped;
    // Inputs are handled on their poster's thread only once the loop's thread has carried out what the core queued
    // when it was built and fed it its first tick.
    private volatile bool _started;
    private readonly SentinelCore _core;
    private readonly Clock _clock;
    private readonly State.CoalescingStateStore _state;
    private readonly PendingRequests _requests;
    private readonly CoreDriver _driver;
    private readonly EffectRunner _effects;
    // Every input this loop feeds goes through it, saves' confirmations included (see Feed).
    private readonly InputOrder _order = new();
    // Whoever holds it drives the core; posters only try it, so a socket thread never waits for a tick or a save.
    private readonly Lock _driving = new();
    // When the loop's thread will wake by itself (under _driving); long.MinValue while it is awake and will look again.
    private long _sleepUntilMs = long.MinValue;
    // What the core threw while driven on a poster's thread: the loop's thread rethrows it and ends, as it would have
    // had it been driving.
    private volatile Exception? _failure;
    private long _step;

    /// <summary>Most queued inputs handled before the saves they caused are written (a save waits at most one batch).</summary>
    private const int MaxBatchItems = 1024;

    public EventLoop(SentinelCore core, Clock clock, EffectRunner effects, State.CoalescingStateStore state, PendingRequests requests)
    {
        _core = core;
        _clock = clock;
        _state = state;
        _requests = requests;
        _effects = effects;
        _driver = new CoreDriver(core, effects);
    }

    /// <summary>The number of the step in progress or last completed; only the thread driving the core raises it.</summary>
    public long Step => Volatile.Read(ref _step);

    /// <summary>The loop's clock (monotonic ms), for stamping inputs.</summary>
    public long NowMs => _clock.NowMs;

    /// <summary>
    /// Hands an input to the core (from a link's socket task, a client session, a script's watcher): handled on this
    /// thread when nobody drives the core, queued for the loop's thread otherwise. Inputs keep their order either way.
    /// </summary>
    public void Post(Input input)
    {
        if (_stopped) return;
        _inputs.Enqueue(input);
        // Re-entered from an effect being carried out, or the core busy elsewhere: the queue keeps the order.
        if (!_started || _driving.IsHeldByCurrentThread || !_driving.TryEnter())
        {
            _wake.Set();
            return;
        }
        bool loopNeeded;
        try
        {
            loopNeeded = _stopped || HandleHere();
        }
        catch (Exception ex)
        {
            _failure = ex;
            _stopped = true;
            loopNeeded = true;
        }
        finally
        {
            _driving.Exit();
        }
        if (loopNeeded) _wake.Set();
    }

    // On a poster's thread, holding _driving: the queued inputs (ours last) and a tick that is due already. Returns
    // whether the loop's thread must run before it would wake by itself: a save to write, inputs left over, or a wake
    // time earlier than the one it sleeps towards.
    private bool HandleHere()
    {
        HandleQueued();
        TickIfDue();
        return _state.HasPending || !_inputs.IsEmpty || WakeAtMs(_core.NextWakeMs) < _sleepUntilMs;
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
        lock (_driving)
        {
            BeginStep();
            _driver.Drain(); // what the core queued when it was built
            _effects.FlushSent();
            Feed(new Tick(_clock.NowMs));
            WriteSaves();
            _started = true;
        }
        while (!stopping.IsCancellationRequested)
        {
            long waitMs;
            lock (_driving)
            {
                _sleepUntilMs = WakeAtMs(_core.NextWakeMs);
                waitMs = Math.Clamp(_sleepUntilMs - _clock.NowMs, 0, 1000);
            }
            if (waitMs > 0 && _inputs.IsEmpty) _wake.Wait((int)waitMs);
            // Reset before draining: work queued from here on sets the event again, so none is left waiting.
            _wake.Reset();
            if (_failure is { } failure) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            lock (_driving)
            {
                _sleepUntilMs = long.MinValue;
                HandleQueued();
                // After at most one batch: a burst of inputs must not starve the ticks (TILT would take the wait for
                // a clock jump).
                TickIfDue();
                WriteSaves();
            }
        }
        lock (_driving) _stopped = true;
        while (_inputs.TryDequeue(out var left))
        {
            if (left is ClientRequest request) _requests.Cancel(request.RequestId);
        }
    }

    private void HandleQueued()
    {
        for (var done = 0; done < MaxBatchItems && _inputs.TryDequeue(out var input); done++)
        {
            BeginStep();
            if (input is ClientRequest request) _requests.Handling(request.RequestId, Step);
            Feed(input);
        }
    }

    private void TickIfDue()
    {
        if (_clock.NowMs < _core.NextWakeMs) return;
        BeginStep();
        Feed(new Tick(_clock.NowMs));
    }

    /// <summary>
    /// Feeds the core in time order (<see cref="InputOrder"/>). A save's confirmation goes the same way: it is stamped
    /// after the fsync, and an input read before it but handled after it would otherwise move the core's clock ahead.
    /// The commands one input caused leave together: one write per link.
    /// </summary>
    private void Feed(Input input)
    {
        _driver.Feed(_order.Next(input));
        _effects.FlushSent();
    }

    /// <summary>The first point of the wake grid at or after <paramref name="dueMs"/>.</summary>
    private static long WakeAtMs(long dueMs) =>
        dueMs >= long.MaxValue - WakeGridMs ? long.MaxValue : (dueMs + WakeGridMs - 1) / WakeGridMs * WakeGridMs;

    /// <summary>Writes the latest save of the batch and tells the core, which lets out what waited for it.</summary>
    private void WriteSaves()
    {
        // Letting out what waited may queue another save (a discovery save whose window reopened).
        while (_state.Flush() is { } saved)
        {
            BeginStep();
            Feed(new StateSaved(_clock.NowMs, saved.Seq, saved.Ok));
        }
    }

    // A full fence: a reader that sees the old number cannot have seen anything this step changed, and whatever
    // the step sends out (events, replies) leaves after the new number is visible.
    private void BeginStep() => Interlocked.Increment(ref _step);
}
