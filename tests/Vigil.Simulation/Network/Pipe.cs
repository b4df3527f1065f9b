namespace Vigil.Simulation.Network;

/// <summary>
/// One direction of a connection: a FIFO whose messages each get their own delay but never overtake each other
/// (TCP keeps order within a connection). While the direction is partitioned the pipe stalls — data waits, as
/// TCP retransmission would make it — and flows again in order when the partition heals.
/// </summary>
internal sealed class Pipe(SimNetwork network, int fromHost, int toHost, Action<object> deliver)
{
    private readonly Queue<(long ReadyAtMs, object Message)> _messages = new();
    private long _lastReadyAtMs;
    private bool _scheduled;
    private int _generation;
    private bool _dead;

    public int FromHost { get; } = fromHost;
    public int ToHost { get; } = toHost;
    public bool Stalled { get; private set; }
    public bool IsDead => _dead;

    public void Enqueue(object message)
    {
        if (_dead) return;
        long readyAt = Math.Max(network.NowMs + network.SampleDelayMs(FromHost, ToHost), _lastReadyAtMs);
        _lastReadyAtMs = readyAt;
        _messages.Enqueue((readyAt, message));
        if (!_scheduled && !Stalled) Schedule(readyAt);
    }

    /// <summary>Drops everything in flight; nothing more is delivered (reset, or the reader is gone).</summary>
    public void Kill()
    {
        _dead = true;
        _messages.Clear();
    }

    /// <summary>The partition on this direction healed: deliver what waited, after one more hop.</summary>
    public void Resume()
    {
        Stalled = false;
        if (_dead || _scheduled || _messages.Count == 0) return;
        Schedule(network.NowMs + network.SampleDelayMs(FromHost, ToHost));
    }

    /// <summary>
    /// The link became fast again (a slow-links fault ended): what waits for a delay drawn while it was slow goes at
    /// today's speed, as TCP's retransmission would carry it, still in order.
    /// </summary>
    public void Retime()
    {
        if (_dead || _messages.Count == 0) return;
        var waiting = _messages.ToArray();
        _messages.Clear();
        long last = network.NowMs;
        foreach (var (readyAt, message) in waiting)
        {
            last = Math.Max(last, Math.Min(readyAt, network.NowMs + network.SampleDelayMs(FromHost, ToHost)));
            _messages.Enqueue((last, message));
        }
        _lastReadyAtMs = last;
        if (!Stalled) Schedule(_messages.Peek().ReadyAtMs);
    }

    private void Schedule(long atMs)
    {
        _scheduled = true;
        int generation = ++_generation; // a re-timed pipe's earlier pump is void
        network.Queue.At(atMs, () =>
        {
            if (generation == _generation) Pump();
        });
    }

    private void Pump()
    {
        _scheduled = false;
        while (!_dead && _messages.TryPeek(out var head))
        {
            if (!network.CanSend(FromHost, ToHost))
            {
                Stalled = true;
                network.AddStalled(this);
                return;
            }
            if (head.ReadyAtMs > network.NowMs)
            {
                Schedule(head.ReadyAtMs);
                return;
            }
            _messages.Dequeue();
            deliver(head.Message);
        }
    }
}
