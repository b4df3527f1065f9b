using System.Threading.Channels;
using Vigil.Sentinel;

namespace Vigil.Server.Loop;

/// <summary>
/// The one logical thread that owns the core. Sockets and client sessions post work here through a
/// channel; the loop runs it, then ticks the core when it asked to be woken, and after every step
/// hands the effects the core produced to the <see cref="EffectRunner"/>.
/// </summary>
/// <remarks>
/// Every step (a queued input, an invoked function, a tick) is numbered: <see cref="Step"/> is raised before
/// the core is touched, so an answer computed during step N is known to still hold for as long as
/// <see cref="Step"/> reads N (see <see cref="Commands.MasterAddressCache"/>).
/// </remarks>
public sealed class EventLoop
{
    private readonly Channel<Action> _work = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
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
    public void Post(Input input) => _work.Writer.TryWrite(() => _core.Handle(input));

    /// <summary>
    /// Runs a function against the core on the loop and returns its result. The effects it caused are carried out
    /// before the result is released, so a command's reply never overtakes its side effects (a vote is saved
    /// before the candidate hears of it).
    /// </summary>
    public Task<T> InvokeAsync<T>(Func<SentinelCore, long, T> function)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var accepted = _work.Writer.TryWrite(() =>
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

    public async Task RunAsync(CancellationToken stopping)
    {
        var reader = _work.Reader;
        BeginStep();
        _core.Handle(new Tick(_clock.NowMs));
        _effects.RunAll(_core);
        _effects.FlushState();
        while (!stopping.IsCancellationRequested)
        {
            var waitMs = Math.Clamp(_core.NextWakeMs - _clock.NowMs, 0, 1000);
            if (waitMs > 0 && !reader.TryPeek(out _))
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                timeout.CancelAfter(TimeSpan.FromMilliseconds(waitMs));
                try { await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { }
            }
            for (var done = 0; done < MaxBatchItems && reader.TryRead(out var work); done++)
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
        _work.Writer.TryComplete();
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
