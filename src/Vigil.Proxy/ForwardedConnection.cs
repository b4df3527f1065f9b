using System.Buffers;
using System.Net.Sockets;

namespace Vigil.Proxy;

/// <summary>
/// One client connection and its connection to a backend, copied byte for byte both ways by one
/// <see cref="ForwardingLoop"/> through two pooled buffers. Nothing is parsed: AUTH, HELLO 3, MULTI, pub/sub all
/// pass through as the client sent them. Memory per connection is bounded by the two buffers: while one
/// direction's bytes wait for the receiver, the loop stops reading from the sender, so a client that does not
/// read its replies stalls only itself (and is dropped by the stall sweep).
/// </summary>
public sealed class ForwardedConnection : LoopItem
{
    /// <summary>Per direction, as HAProxy's default bufsize: Redis replies and pipelines fit in a few reads.</summary>
    private const int BufferBytes = 16 * 1024;

    private const int ClientSide = 0;
    private const int UpstreamSide = 1;

    private readonly Socket _client;
    private readonly int _clientFd;
    private readonly int _upstreamFd;
    private readonly ForwardingLoop _loop;
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Guards the descriptors between <see cref="Close"/> (any thread) and their release (the loop).</summary>
    private readonly Lock _descriptorGate = new();
    private bool _posted;
    private bool _released;
    private int _closed;
    private long _clientSendStartedAtMs;

    private Flow _toUpstream;
    private Flow _toClient;
    private uint _clientFlags;
    private uint _upstreamFlags;

    /// <param name="upstreamFd">A connected socket descriptor; the connection owns it from now on.</param>
    public ForwardedConnection(Socket client, int upstreamFd, Backend backend, ForwardingLoop loop)
    {
        _client = client;
        _clientFd = (int)client.SafeHandle.DangerousGetHandle();
        _upstreamFd = upstreamFd;
        Backend = backend;
        _loop = loop;
    }

    public Backend Backend { get; }

    /// <summary>How long a send to the client has been blocked at <paramref name="nowMs"/> (0 when none is).</summary>
    public long ClientStalledSince(long nowMs)
    {
        var started = Volatile.Read(ref _clientSendStartedAtMs);
        return started == 0 ? 0 : nowMs - started;
    }

    /// <summary>
    /// Forwards until the backend closes its side, either side fails, or <see cref="Close"/> is called. The client
    /// merely half-closing its side still gets the replies already on their way.
    /// </summary>
    public Task RunAsync()
    {
        lock (_descriptorGate)
        {
            if (_released) return Task.CompletedTask;
            _posted = true;
        }
        _loop.Post(this);
        return _finished.Task;
    }

    /// <summary>
    /// Closes both sides; true the first time only. Nothing reaches the client after this returns: its socket is shut
    /// down for writing at once, from the calling thread; the loop releases the descriptors when it wakes for that.
    /// </summary>
    public bool Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return false;
        lock (_descriptorGate)
        {
            if (_released) return true;
            LinuxSockets.ShutdownBoth(_clientFd);
            LinuxSockets.ShutdownBoth(_upstreamFd);
            if (!_posted) ReleaseDescriptors();
        }
        return true;
    }

    internal override void Attach(ForwardingLoop loop)
    {
        _toUpstream = new Flow(ArrayPool<byte>.Shared.Rent(BufferBytes));
        _toClient = new Flow(ArrayPool<byte>.Shared.Rent(BufferBytes));
        _clientFlags = LinuxSockets.EpollIn;
        _upstreamFlags = LinuxSockets.EpollIn;
        if (Volatile.Read(ref _closed) != 0
            || !loop.Register(this, _clientFd, ClientSide, _clientFlags)
            || !loop.Register(this, _upstreamFd, UpstreamSide, _upstreamFlags))
        {
            Finish(loop);
        }
    }

    internal override void OnEvent(ForwardingLoop loop, uint events, int side)
    {
        if (Volatile.Read(ref _closed) != 0 || !Forward(events, side == ClientSide))
        {
            Finish(loop);
            return;
        }
        var clientFlags = Wanted(_toUpstream, _toClient);
        var upstreamFlags = Wanted(_toClient, _toUpstream);
        if ((clientFlags != _clientFlags && !loop.Modify(this, _clientFd, ClientSide, _clientFlags = clientFlags))
            || (upstreamFlags != _upstreamFlags && !loop.Modify(this, _upstreamFd, UpstreamSide, _upstreamFlags = upstreamFlags)))
        {
            Finish(loop);
        }
    }

    internal override void Abandon(ForwardingLoop loop)
    {
        Close();
        Finish(loop);
    }

    /// <summary>What to wait for on a descriptor: bytes to read while its flow has room, room to write while the other flow waits.</summary>
    private static uint Wanted(Flow readFrom, Flow writeTo) =>
        (readFrom.Pending || readFrom.Ended ? 0 : LinuxSockets.EpollIn) | (writeTo.Pending ? LinuxSockets.EpollOut : 0);

    /// <summary>One event's worth of forwarding; false when the connection is over.</summary>
    private bool Forward(uint events, bool onClient)
    {
        var fd = onClient ? _clientFd : _upstreamFd;
        var other = onClient ? _upstreamFd : _clientFd;
        ref var reading = ref onClient ? ref _toUpstream : ref _toClient;
        ref var writing = ref onClient ? ref _toClient : ref _toUpstream;
        if ((events & LinuxSockets.EpollOut) != 0 && writing.Pending && !Send(ref writing, fd, towardClient: onClient)) return false;
        if ((events & (LinuxSockets.EpollIn | LinuxSockets.EpollHup | LinuxSockets.EpollErr)) == 0) return true;
        // Level-triggered: a hang-up or error keeps being reported, so one that cannot be read now ends the connection.
        if (reading.Pending || reading.Ended) return (events & (LinuxSockets.EpollHup | LinuxSockets.EpollErr)) == 0;
        var received = LinuxSockets.Receive(fd, reading.Buffer, 0, BufferBytes);
        if (received > 0)
        {
            reading.Start = 0;
            reading.End = received;
            return Send(ref reading, other, towardClient: !onClient);
        }
        if (received < 0) return LinuxSockets.LastError is LinuxSockets.EAgain or LinuxSockets.EIntr;
        // End of stream. The backend's ends the connection; the client's is passed on and its replies still come back.
        if (!onClient) return false;
        reading.Ended = true;
        LinuxSockets.ShutdownWrite(_upstreamFd);
        return true;
    }

    /// <summary>Sends what <paramref name="flow"/> holds until done or the receiver is full; false on an error.</summary>
    private bool Send(ref Flow flow, int fd, bool towardClient)
    {
        while (flow.Start < flow.End)
        {
            var sent = LinuxSockets.Send(fd, flow.Buffer, flow.Start, flow.End - flow.Start);
            if (sent > 0)
            {
                flow.Start += sent;
                continue;
            }
            var error = LinuxSockets.LastError;
            if (sent < 0 && error == LinuxSockets.EIntr) continue;
            if (sent < 0 && error == LinuxSockets.EAgain)
            {
                if (towardClient && Volatile.Read(ref _clientSendStartedAtMs) == 0) Volatile.Write(ref _clientSendStartedAtMs, Environment.TickCount64);
                return true;
            }
            return false;
        }
        flow.Start = flow.End = 0;
        if (towardClient && Volatile.Read(ref _clientSendStartedAtMs) != 0) Volatile.Write(ref _clientSendStartedAtMs, 0);
        return true;
    }

    private void Finish(ForwardingLoop loop)
    {
        Interlocked.Exchange(ref _closed, 1);
        if (Slot >= 0)
        {
            loop.Unregister(_clientFd);
            loop.Unregister(_upstreamFd);
            loop.Release(this);
        }
        lock (_descriptorGate)
        {
            if (!_released) ReleaseDescriptors();
        }
        if (_toUpstream.Buffer is { } up) ArrayPool<byte>.Shared.Return(up);
        if (_toClient.Buffer is { } down) ArrayPool<byte>.Shared.Return(down);
        _toUpstream = default;
        _toClient = default;
        _finished.TrySetResult();
    }

    private void ReleaseDescriptors()
    {
        _released = true;
        _client.Dispose();
        LinuxSockets.Close(_upstreamFd);
    }

    /// <summary>One direction: the bytes received and not yet sent are Buffer[Start..End).</summary>
    private struct Flow(byte[] buffer)
    {
        public byte[] Buffer = buffer;
        public int Start;
        public int End;
        public bool Ended;

        public readonly bool Pending => End > Start;
    }
}
