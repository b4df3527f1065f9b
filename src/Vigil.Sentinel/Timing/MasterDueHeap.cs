using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel;

/// <summary>
/// Every master's earliest due rule (its own, its replicas', its peers'), kept in a heap keyed by due time, so the
/// next wake and the masters a tick must visit come without visiting the rest of the fleet.
/// </summary>
/// <remarks>
/// A master's due time is recomputed only after something touched it (<see cref="Touch"/>): an input about one of
/// its records, a tick that visited it, a command that may have changed it. Until then the stored time stands:
/// due times depend on the master's own state and on time, and time alone never moves a rule earlier. Entries are
/// never removed from the heap in place; an entry whose time is no longer the master's stored time is dropped when
/// it reaches the top.
/// </remarks>
internal sealed class MasterDueHeap
{
    /// <summary>
    /// How often a tick visits every master anyway: a backstop for a change no touch reported (it bounds how late a
    /// rule can run; the reference visits every instance ten times as often).
    /// </summary>
    public const long FullSweepMs = 1000;

    /// <summary>The stored due time of a master that is not in the heap (taken by a tick, not recomputed yet).</summary>
    private const long Unscheduled = long.MinValue;

    private readonly Dictionary<MasterRecord, Slot> _slots = new(ReferenceEqualityComparer.Instance);
    private readonly PriorityQueue<MasterRecord, (long DueMs, int Ordinal)> _heap = new();
    private readonly List<MasterRecord> _touched = [];
    private readonly List<MasterRecord> _touchedSinceTaken = [];
    private int _nextOrdinal;

    /// <summary>
    /// Adds to <paramref name="into"/> the masters touched since the last call (a master touched again after it was
    /// taken counts again), and forgets them. Whoever walks the touched masters after every input takes these: the
    /// masters touched since the last <see cref="Refresh"/> pile up through a batch of inputs, and walking all of them
    /// after each input was quadratic in the batch (a once-a-second visit of every master touches the whole fleet).
    /// </summary>
    public void TakeTouchedSinceTaken(List<MasterRecord> into)
    {
        foreach (var master in _touchedSinceTaken)
        {
            if (_slots.TryGetValue(master, out var slot)) slot.AwaitsTaking = false;
            into.Add(master);
        }
        _touchedSinceTaken.Clear();
    }

    /// <summary>The master's due time may have changed: it is recomputed at the next <see cref="Refresh"/>.</summary>
    public void Touch(MasterRecord master)
    {
        if (!_slots.TryGetValue(master, out var slot))
        {
            slot = new Slot(_nextOrdinal++);
            _slots[master] = slot;
        }
        if (!slot.AwaitsTaking)
        {
            slot.AwaitsTaking = true;
            _touchedSinceTaken.Add(master);
        }
        if (slot.Touched) return;
        slot.Touched = true;
        _touched.Add(master);
    }

    /// <summary>Recomputes the due time of every touched master with <paramref name="dueOf"/>.</summary>
    public void Refresh(Func<MasterRecord, long> dueOf)
    {
        foreach (var master in _touched)
        {
            var slot = _slots[master];
            slot.Touched = false;
            if (master.IsRemoved)
            {
                _slots.Remove(master);
                continue;
            }
            long due = dueOf(master);
            if (due == slot.DueMs) continue;
            slot.DueMs = due;
            if (due != long.MaxValue) _heap.Enqueue(master, (due, slot.Ordinal));
        }
        _touched.Clear();
        if (_heap.Count > 2 * _slots.Count + 64) Rebuild();
    }

    /// <summary>The earliest stored due time (<see cref="long.MaxValue"/> when none); call after <see cref="Refresh"/>.</summary>
    public long EarliestDueMs()
    {
        while (_heap.TryPeek(out var master, out var key))
        {
            if (IsCurrent(master, key.DueMs)) return key.DueMs;
            _heap.Dequeue();
        }
        return long.MaxValue;
    }

    /// <summary>
    /// Removes every master due at or before <paramref name="nowMs"/> and adds it to <paramref name="due"/>, earliest
    /// first. Each is unscheduled until touched and refreshed again.
    /// </summary>
    public void TakeDue(long nowMs, List<MasterRecord> due)
    {
        while (_heap.TryPeek(out var master, out var key) && key.DueMs <= nowMs)
        {
            _heap.Dequeue();
            if (!IsCurrent(master, key.DueMs)) continue;
            _slots[master].DueMs = Unscheduled;
            due.Add(master);
        }
    }

    private bool IsCurrent(MasterRecord master, long dueMs) =>
        !master.IsRemoved && _slots.TryGetValue(master, out var slot) && slot.DueMs == dueMs;

    private void Rebuild()
    {
        _heap.Clear();
        foreach (var (master, slot) in _slots)
        {
            if (slot.DueMs != Unscheduled && slot.DueMs != long.MaxValue) _heap.Enqueue(master, (slot.DueMs, slot.Ordinal));
        }
    }

    private sealed class Slot(int ordinal)
    {
        public int Ordinal { get; } = ordinal;
        public long DueMs { get; set; } = Unscheduled;
        public bool Touched { get; set; }
        public bool AwaitsTaking { get; set; }
    }
}
