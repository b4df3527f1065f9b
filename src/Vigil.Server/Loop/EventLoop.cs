using System.Collections.Concurrent;
using Vigil.Sentinel;

namespace Vigil.Server.Loop;

/// <summary>
/// The one thread that owns the core. Sockets and client sessions post work here through a queue; the
/// loop runs it, then ticks the core when it asked to be woken, and after every step hands the effects
/// the core produced to the <see cref="EffectRunner"/>.
/// </summary>
/// <remarks>
/// Every step (a queued input, an invoked function, a tick) is numbered: <see cref="Step"/> is raised before
/// the core is touched, so an answer computed during step N is known to still hold for as long as
/// <see cref="Step"/> reads N (see <see cref="Commands.MasterAddressCache"/>).
/// <para>The loop is a dedicated thread that sleeps on one event with the core's wake time as timeout. As an
/// async method on the pool it cost a timer per wait and a pool hand-off per input: most of an idle
/// sentinel's CPU time was the kernel waking threads (bench/README.md, scenario 4).</para>
/// </remarks>
public sealed class EventLoop
{
    private readonly ConcurrentQueue<Action> _work = new();
    private readonly ManualResetEventSlim _wake = new(false, spinCount: 0);
    private volatile bool _stopped;
    private readonly SentinelCore _core;
    private readonly Clock _clock;
    private readonly EffectRunner _effects;
    private long _step;

    /// <summary>Most queued items run before deferred state saves are written (a save waits at most one batch).</summary>
    private const int MaxBatchItems = 1024;

    public EventLoop(SentinelCore core, Clock clock, EffectRunner effects)
    {
        _core = core;
        _clock = clock;
        _effects = effects;
    }

    /// <summary>The number of the step in progress or last completed; only the loop raises it.</summary>
    public long Step => Volatile.Read(ref _step);

    /// <summary>Queues an input for the core (from a link's socket task).</summary>
    public void Post(Input input) => Enqueue(() => _core.Handle(input));

    private bool Enqueue(Action work)
    {
        if (_stopped) return false;
        _work.Enqueue(work);
        _wake.Set();
        return true;
    }

    /// <summary>
    /// Runs a function against the core on the loop and returns its result. The effects it caused are carried out
    /// before the result is released, so a command's reply never overtakes its side effects (a vote is saved
    /// before the candidate hears of it).
    /// </summary>
    public Task<T> InvokeAsync<T>(Func<SentinelCore, long, T> function)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var accepted = Enqueue(() =>
        {
            T result;
            try { result = function(_core, _clock.NowMs); }
            catch (Exception ex)
            {
                _effects.RunAll(_core);
                _effects.FlushState();
                completion.SetException(ex);
                return;
            }
            // Effects first (a vote is on disk before the voter hears it), then the reply.
            _effects.RunAll(_core);
            _effects.FlushState();
            completion.SetResult(result);
        });
        if (!accepted) completion.SetCanceled();
        return completion.Task;
    }

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
        _core.Handle(new Tick(_clock.NowMs));
        _effects.RunAll(_core);
        _effects.FlushState();
        while (!stopping.IsCancellationRequested)
        {
            var waitMs = Math.Clamp(_core.NextWakeMs - _clock.NowMs, 0, 1000);
            if (waitMs > 0 && _work.IsEmpty) _wake.Wait((int)waitMs);
            // Reset before draining: work queued from here on sets the event again, so none is left waiting.
            _wake.Reset();
            for (var done = 0; done < MaxBatchItems && _work.TryDequeue(out var work); done++)
            {
                BeginStep();
                work();
                _effects.RunAll(_core);
            }
            // After at most one batch: a burst of inputs must not starve the ticks (TILT would take the wait for
            // a clock jump). NextWakeMs is read once per batch, not per input: it visits every record.
            TickIfDue();
            _effects.FlushState();
        }
        _stopped = true;
    }

    private void TickIfDue()
    {
        if (_clock.NowMs < _core.NextWakeMs) return;
        BeginStep();
        _core.Handle(new Tick(_clock.NowMs));
        _effects.RunAll(_core);
    }

    // A full fence: a reader that sees the old number cannot have seen anything this step changed, and whatever
    // the step sends out (events, replies) leaves after the new number is visible.
    private void BeginStep() => Interlocked.Increment(ref _step);
}
