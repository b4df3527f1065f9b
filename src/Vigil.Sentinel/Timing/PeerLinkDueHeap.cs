using Vigil.Sentinel.Links;

namespace Vigil.Sentinel;

/// <summary>
/// Every peer sentinel link's next due time (its PING, the end of its silence watch), kept in a heap beside the
/// masters' (<see cref="MasterDueHeap"/>): a peer's link is scheduled once, not once per master that knows the peer.
/// </summary>
/// <remarks>
/// As in <see cref="MasterDueHeap"/>, entries are never removed in place; an entry whose time is no longer the link's
/// stored time is dropped when it reaches the top. Ties go in the order links were first scheduled, so a run replays.
/// </remarks>
internal sealed class PeerLinkDueHeap
{
    private readonly Dictionary<InstanceLink, (long DueMs, int Ordinal)> _scheduled = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<InstanceLink, int> _ordinals = new(ReferenceEqualityComparer.Instance);
    private readonly PriorityQueue<InstanceLink, (long DueMs, int Ordinal)> _heap = new();
    private int _nextOrdinal;

    /// <summary>The link is next due at <paramref name="dueMs"/> (<see cref="long.MaxValue"/>: not at all).</summary>
    public void Schedule(InstanceLink link, long dueMs)
    {
        if (_scheduled.TryGetValue(link, out var current) && current.DueMs == dueMs) return;
        if (dueMs == long.MaxValue)
        {
            _scheduled.Remove(link);
            return;
        }
        if (!_ordinals.TryGetValue(link, out int ordinal))
        {
            ordinal = _nextOrdinal++;
            _ordinals[link] = ordinal;
        }
        _scheduled[link] = (dueMs, ordinal);
        _heap.Enqueue(link, (dueMs, ordinal));
        if (_heap.Count > 2 * _scheduled.Count + 64) Rebuild();
    }

    /// <summary>The link is gone: neither scheduled nor remembered.</summary>
    public void Forget(InstanceLink link)
    {
        _scheduled.Remove(link);
        _ordinals.Remove(link);
    }

    /// <summary>The earliest stored due time (<see cref="long.MaxValue"/> when none).</summary>
    public long EarliestDueMs()
    {
        while (_heap.TryPeek(out var link, out var key))
        {
            if (IsCurrent(link, key)) return key.DueMs;
            _heap.Dequeue();
        }
        return long.MaxValue;
    }

    /// <summary>
    /// Removes every link due at or before <paramref name="nowMs"/> and adds it to <paramref name="due"/>, earliest
    /// first. Each is unscheduled until scheduled again.
    /// </summary>
    public void TakeDue(long nowMs, List<InstanceLink> due)
    {
        while (_heap.TryPeek(out var link, out var key) && key.DueMs <= nowMs)
        {
            _heap.Dequeue();
            if (!IsCurrent(link, key)) continue;
            _scheduled.Remove(link);
            due.Add(link);
        }
    }

    private bool IsCurrent(InstanceLink link, (long DueMs, int Ordinal) key) =>
        _scheduled.TryGetValue(link, out var current) && current == key;

    private void Rebuild()
    {
        _heap.Clear();
        foreach (var (link, key) in _scheduled) _heap.Enqueue(link, key);
    }
}
