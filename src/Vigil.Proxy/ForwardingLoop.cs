using System.Collections.Concurrent;

namespace Vigil.Proxy;

/// <summary>
/// One thread and one epoll set that forward the bytes of the connections given to it: each connection's reads and
/// writes, both ways, happen on this thread, with no thread-pool hop, no queue and no extra receive per read.
/// Level-triggered: a descriptor stays registered for reading while its bytes have somewhere to go, so the steady
/// state is one epoll_wait for many ready sockets, then one recv and one send each.
/// </summary>
public sealed class ForwardingLoop : IDisposable
{
    /// <summary>Events taken from the kernel per wake-up.</summary>
    private const int MaxEventsPerWait = 256;

    /// <summary>The epoll data of the wake-up eventfd; items use Slot * SidesPerItem + side.</summary>
    private const ulong WakeData = ulong.MaxValue;

    internal const int SidesPerItem = 2;

    private readonly int _epoll;
    private readonly int _wakeFd;
    private readonly byte[] _events = new byte[MaxEventsPerWait * LinuxSockets.EventBytes];
    private readonly ConcurrentQueue<LoopItem> _incoming = new();
    private readonly List<LoopItem?> _items = [];
    private readonly Stack<int> _freeSlots = new();
    private readonly List<LoopItem> _timed = [];
    private readonly Thread _thread;
    private volatile bool _stopping;

    public ForwardingLoop(string name)
    {
        _epoll = LinuxSockets.CreateEpoll();
        _wakeFd = LinuxSockets.CreateEventFd();
        if (!LinuxSockets.Control(_epoll, LinuxSockets.EpollCtlAdd, _wakeFd, LinuxSockets.EpollIn, WakeData))
        {
            throw new IOException($"epoll_ctl of the wake-up descriptor failed: errno {LinuxSockets.LastError}");
        }
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Hands <paramref name="item"/> to the loop's thread (from any thread).</summary>
    public void Post(LoopItem item)
    {
        _incoming.Enqueue(item);
        // Every time: items come once per connection, and a skipped signal that raced with the loop's drain would
        // strand an item until the next one.
        LinuxSockets.Signal(_wakeFd);
    }

    /// <summary>Registers <paramref name="fd"/> for <paramref name="flags"/> as <paramref name="side"/> of <paramref name="item"/>.</summary>
    internal bool Register(LoopItem item, int fd, int side, uint flags)
    {
        if (item.Slot < 0) item.Slot = TakeSlot(item);
        return LinuxSockets.Control(_epoll, LinuxSockets.EpollCtlAdd, fd, flags, Data(item, side));
    }

    internal bool Modify(LoopItem item, int fd, int side, uint flags) =>
        LinuxSockets.Control(_epoll, LinuxSockets.EpollCtlMod, fd, flags, Data(item, side));

    internal void Unregister(int fd) => LinuxSockets.Control(_epoll, LinuxSockets.EpollCtlDel, fd, 0, 0);

    /// <summary>The item has no descriptor registered any more: its slot is free.</summary>
    internal void Release(LoopItem item)
    {
        if (item.Slot < 0) return;
        _items[item.Slot] = null;
        _freeSlots.Push(item.Slot);
        item.Slot = -1;
        _timed.Remove(item);
    }

    /// <summary>Asks for <see cref="LoopItem.Expire"/> on every wake-up (at least every <see cref="TimedCheckMs"/>).</summary>
    internal void Time(LoopItem item) => _timed.Add(item);

    /// <summary>How often the loop wakes up while an item is timed.</summary>
    internal const int TimedCheckMs = 50;

    private static ulong Data(LoopItem item, int side) => (ulong)(item.Slot * SidesPerItem + side);

    private int TakeSlot(LoopItem item)
    {
        if (_freeSlots.TryPop(out var slot))
        {
            _items[slot] = item;
            return slot;
        }
        _items.Add(item);
        return _items.Count - 1;
    }

    private void Run()
    {
        while (!_stopping)
        {
            var count = LinuxSockets.Wait(_epoll, _events, _timed.Count == 0 ? -1 : TimedCheckMs);
            for (var i = 0; i < count; i++)
            {
                var data = LinuxSockets.EventData(_events, i);
                if (data == WakeData)
                {
                    TakeIncoming();
                    continue;
                }
                var slot = (int)(data / SidesPerItem);
                // An item released earlier in this batch may have left events behind; its slot is empty or reused.
                if (slot < _items.Count && _items[slot] is { } item)
                {
                    item.OnEvent(this, LinuxSockets.EventFlags(_events, i), (int)(data % SidesPerItem));
                }
            }
            if (_timed.Count > 0) ExpireTimed();
        }
        foreach (var item in _items.ToList()) item?.Abandon(this);
        while (_incoming.TryDequeue(out var late)) late.Abandon(this);
    }

    private void TakeIncoming()
    {
        LinuxSockets.Drain(_wakeFd);
        while (_incoming.TryDequeue(out var item)) item.Attach(this);
    }

    private void ExpireTimed()
    {
        var nowMs = Environment.TickCount64;
        for (var i = _timed.Count - 1; i >= 0; i--)
        {
            if (i < _timed.Count) _timed[i].Expire(this, nowMs);
        }
    }

    /// <summary>Stops the thread; whatever it still held is abandoned (the connections were closed before).</summary>
    public void Dispose()
    {
        _stopping = true;
        LinuxSockets.Signal(_wakeFd);
        _thread.Join();
        LinuxSockets.Close(_wakeFd);
        LinuxSockets.Close(_epoll);
    }
}
