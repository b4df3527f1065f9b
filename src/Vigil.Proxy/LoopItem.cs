namespace Vigil.Proxy;

/// <summary>
/// Something a <see cref="ForwardingLoop"/> owns and wakes for: an upstream connect in progress or a forwarded
/// connection. Every method runs on the loop's thread.
/// </summary>
public abstract class LoopItem
{
    /// <summary>The item's place in its loop's table; the epoll data of its descriptors is built from it.</summary>
    internal int Slot { get; set; } = -1;

    /// <summary>The loop took the item from its queue: register its descriptors (or let it go at once).</summary>
    internal abstract void Attach(ForwardingLoop loop);

    /// <summary>epoll reported <paramref name="events"/> on the descriptor the item registered as <paramref name="side"/>.</summary>
    internal abstract void OnEvent(ForwardingLoop loop, uint events, int side);

    /// <summary>Checked on every wake-up while the item is registered as timed; true: the item let itself go.</summary>
    internal virtual bool Expire(ForwardingLoop loop, long nowMs) => false;

    /// <summary>The loop is stopping: release everything without waiting for the kernel.</summary>
    internal abstract void Abandon(ForwardingLoop loop);
}
