using Vigil.Sentinel;

namespace Vigil.Hosting;

/// <summary>
/// The one way every host drives a core: feed an input, drain its effects, saves first, then the other effects in
/// the order the core queued them, then the <see cref="StateSaved"/> answer to a save the host wrote at once (which
/// lets out what the core held back until that save, and is drained the same way).
/// </summary>
/// <remarks>
/// The production loop, the unit tests' host and the simulator's sentinels all use it, so all three order and
/// persist effects alike. It lives beside the core, not in it: it calls into the host, which the core never does.
/// </remarks>
public sealed class CoreDriver(ISentinelCore core, ICoreHost host)
{
    private readonly List<Effect> _drained = [];
    private readonly List<(long Seq, bool Ok)> _confirmed = [];
    private bool _draining;

    public ISentinelCore Core => core;

    /// <summary>
    /// Feeds one input and carries out everything it caused. Fed while the driver is carrying out effects (a host
    /// that answers a command at once), the input's effects queue behind the ones being carried out.
    /// </summary>
    public void Feed(Input input)
    {
        core.Handle(input);
        Drain();
    }

    /// <summary>Carries out whatever the core has queued (after construction, or after a direct call).</summary>
    public void Drain()
    {
        if (_draining) return;
        _draining = true;
        try
        {
            DrainAll();
        }
        finally
        {
            _draining = false;
        }
    }

    private void DrainAll()
    {
        while (true)
        {
            _drained.Clear();
            while (core.TryDequeueEffect(out var effect)) _drained.Add(effect);
            if (_drained.Count == 0) return;
            _confirmed.Clear();
            // Saves first: nothing that leaves with them can overtake what they hold.
            foreach (var effect in _drained)
            {
                if (effect is PersistState save && host.Save(save) is { } ok) _confirmed.Add((save.Seq, ok));
            }
            // A host answering at once feeds inputs meanwhile: their effects wait in the core for the next round.
            foreach (var effect in _drained)
            {
                if (effect is not PersistState) host.Carry(effect);
            }
            foreach (var (seq, ok) in _confirmed) core.Handle(new StateSaved(host.NowMs, seq, ok));
        }
    }

    /// <summary>A save the host wrote later (<see cref="ICoreHost.Save"/> returned null) is done.</summary>
    public void Saved(long seq, bool ok) => Feed(new StateSaved(host.NowMs, seq, ok));
}
